using System.Net;
using System.Text;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Csv;

/// <summary>A CSV's header comes from the query ($select/$expand) and the model, never from the rows it happens to hold.</summary>
[Collection(KpiCollection.Name)]
public sealed class CsvHeaderTests(KpiApplication app)
{
    private static readonly IEdmModel Model = EdmModelFactory.Build();

    /// <summary>Every entity set with each shape: no options, $select=*, $select of the key, and each single-valued navigation expanded whole and with a $select.</summary>
    public static TheoryData<string, string> SetsAndShapes()
    {
        var data = new TheoryData<string, string>();
        foreach (var set in Model.EntityContainer.EntitySets())
        {
            data.Add(set.Name, "");
            data.Add(set.Name, "$select=*");
            data.Add(set.Name, "$select=Id");
            foreach (var navigation in SingleValued(set.EntityType))
            {
                data.Add(set.Name, $"$expand={navigation.Name}");
                data.Add(set.Name, $"$select=*&$expand={navigation.Name}($select=Id,Name)".Replace(",Name", HasName(navigation) ? ",Name" : "", StringComparison.Ordinal));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SetsAndShapes))]
    public async Task TheHeaderIsTheSameForAnEmptyAnAllNullAndAFullAnswer(string set, string shape)
    {
        var type = Model.EntityContainer.FindEntitySet(set).EntityType;
        var expected = ExpectedHeader(type, shape);
        var filters = new List<string> { "", "$filter=false" };
        filters.AddRange(SingleValued(type).Where(n => n.Type.IsNullable).Select(n => $"$filter={n.Name} eq null"));

        foreach (var filter in filters)
        {
            var query = string.Join("&", new[] { "$format=csv", shape, filter }.Where(q => q.Length > 0));
            using var response = await app.CreateClient().GetAsync($"/odata/{set}?{query}");
            var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{set}?{query} answered {(int)response.StatusCode}: {text}");
            Assert.StartsWith("\uFEFF", text, StringComparison.Ordinal);
            var header = text[1..].Split("\r\n")[0];
            Assert.True(expected == header, $"{set}?{query}\nexpected: {expected}\nactual:   {header}");
        }
    }

    private static IEnumerable<IEdmNavigationProperty> SingleValued(IEdmEntityType type) => type.NavigationProperties().Where(n => !n.Type.IsCollection());

    private static bool HasName(IEdmNavigationProperty navigation) => navigation.ToEntityType().FindProperty("Name") is not null;

    // The model's structural properties (all, or the $select's), then each expanded navigation's, prefixed with its name.
    private static string ExpectedHeader(IEdmEntityType type, string shape)
    {
        var columns = new List<string>();
        var options = shape.Split('&', StringSplitOptions.RemoveEmptyEntries).ToDictionary(o => o.Split('=', 2)[0], o => o.Split('=', 2)[1]);
        columns.AddRange(Own(type, options.GetValueOrDefault("$select")));
        if (options.GetValueOrDefault("$expand") is { } expand)
        {
            var name = expand.Split('(')[0];
            var inner = expand.Contains('(') ? expand[(expand.IndexOf("$select=", StringComparison.Ordinal) + 8)..^1] : null;
            var target = ((IEdmNavigationProperty)type.FindProperty(name)).ToEntityType();
            columns.AddRange(Own(target, inner).Select(c => $"{name}/{c}"));
        }
        return string.Join(",", columns);
    }

    private static IEnumerable<string> Own(IEdmEntityType type, string? select) =>
        select is null or "*" ? type.StructuralProperties().Select(p => p.Name) : select.Split(',');
}
