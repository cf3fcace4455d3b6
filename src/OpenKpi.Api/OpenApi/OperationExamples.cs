using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OData;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Text;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// The pre-filled values of one operation, chosen from the rows it answers with so that all of them sent
/// together (what Swagger UI's "Try it out" does) answer 200 with rows: a key whose navigation leads somewhere,
/// and a $filter, $orderby, $select, $expand and $search naming the answer's own properties and values.
/// </summary>
public sealed record OperationExample(string? Key, string? Filter, string? OrderBy, string? Select, string? Expand, string? Search);

/// <summary>Computes <see cref="OperationExample"/>s from the EDM model and the catalogue the API serves.</summary>
// The catalogue is taken when an example is asked for, not at construction: Swashbuckle's middleware builds this for every
// request, /health/live too, and the catalogue may still be loading.
public sealed partial class OperationExamples(IServiceProvider services, IOptions<ODataOptions> odata)
{
    private readonly IEdmModel model = EdmSchemaFilter.Model(odata.Value);

    /// <summary>The example of an operation, from its route template ("odata/Targets({key})/Province").</summary>
    public OperationExample For(string relativePath)
    {
        var match = Route().Match(relativePath);
        if (!match.Success) throw new InvalidOperationException($"No example for the route {relativePath}.");
        var set = model.EntityContainer.FindEntitySet(match.Groups["set"].Value);
        var rows = ((IEnumerable)typeof(CatalogueSnapshot).GetProperty(set.Name)!.GetValue(services.GetRequiredService<CatalogueSnapshot>())!).Cast<object>().ToList();
        if (!match.Groups["key"].Success) return From(set.EntityType, null, rows.FirstOrDefault());

        if (!match.Groups["nav"].Success) return From(set.EntityType, rows.Count > 0 ? KeyOf(set.EntityType, rows[0]) : null, rows.FirstOrDefault());
        var navigation = set.EntityType.FindProperty(match.Groups["nav"].Value) as IEdmNavigationProperty
            ?? throw new InvalidOperationException($"{set.Name} has no navigation {match.Groups["nav"].Value}.");
        var target = navigation.ToEntityType();
        // The first entity whose navigation leads to something: 404 for a null single-valued one would not be an example.
        foreach (var row in rows)
        {
            var reached = Value(row, navigation.Name);
            var first = reached is IEnumerable many and not string ? many.Cast<object>().FirstOrDefault() : reached;
            if (first is not null) return From(target, KeyOf(set.EntityType, row), first);
        }
        // A catalogue where no row has one: the key alone, which answers 404 (the document is still served).
        return From(target, rows.Count > 0 ? KeyOf(set.EntityType, rows[0]) : null, null);
    }

    private static OperationExample From(IEdmEntityType type, string? key, object? row)
    {
        var keyName = type.Key().Single().Name;
        var shown = row is null ? null : type.StructuralProperties()
            .Where(p => p.Name != keyName && Literal(p, Value(row, p.Name)) is not null)
            .OrderBy(p => p.Type.PrimitiveKind() switch { EdmPrimitiveTypeKind.Int32 => 0, EdmPrimitiveTypeKind.String => 1, _ => 2 })
            .FirstOrDefault();
        var navigations = type.NavigationProperties().ToList();
        var expand = navigations.FirstOrDefault(n => !n.Type.IsCollection() && row is not null && Value(row, n.Name) is not null)
            ?? navigations.FirstOrDefault(n => n.Type.IsCollection()) ?? navigations.FirstOrDefault();
        // A word of the row's text beyond its key (which a search also finds, but shows nothing of folding).
        var search = row is null ? null : SearchDocuments.FieldsOf(row).Where(field => field != KeyOf(type, row))
            .SelectMany(field => SearchDocuments.Normalise(field, fold: true).Split(' '))
            .FirstOrDefault(word => word.Length >= 3 && word.Any(char.IsLetter));
        return new OperationExample(
            key,
            shown is null ? null : $"{shown.Name} eq {Literal(shown, Value(row!, shown.Name))}",
            shown is null ? keyName : $"{shown.Name} desc,{keyName}",
            shown is null ? keyName : $"{keyName},{shown.Name}",
            expand?.Name,
            search);
    }

    // Only types whose literal is plain to write; others are left out of the examples.
    private static string? Literal(IEdmStructuralProperty property, object? value) => (property.Type.PrimitiveKind(), value) switch
    {
        (EdmPrimitiveTypeKind.Int32, int number) => number.ToString(CultureInfo.InvariantCulture),
        (EdmPrimitiveTypeKind.String, string { Length: > 0 and <= 60 } text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
        (EdmPrimitiveTypeKind.Boolean, bool flag) => flag ? "true" : "false",
        _ => null,
    };

    private static string KeyOf(IEdmEntityType type, object row) =>
        Convert.ToString(Value(row, type.Key().Single().Name), CultureInfo.InvariantCulture)!;

    private static object? Value(object row, string property) => row.GetType().GetProperty(property)!.GetValue(row);

    [GeneratedRegex(@"^odata/(?<set>[A-Za-z]+)(?<key>\(\{key\}\))?(/(?<nav>[A-Za-z]+))?(/\$count)?$")]
    private static partial Regex Route();
}
