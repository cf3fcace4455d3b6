using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.OData;

/// <summary>
/// A $top larger than a page (Power Query's "Keep top rows 5000" folds to $top=5000) is answered in server-driven pages:
/// following the nextLinks gives exactly $top rows, in the order of the unpaged answer.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class LargeTopTests(KpiApplication app)
{
    private CatalogueSnapshot Catalogue => app.Services.GetRequiredService<CatalogueSnapshot>();

    public static TheoryData<int> Tops()
    {
        var count = SeedFiles.TargetRows.Count;
        return [.. new[] { 1, QueryLimits.PageSize - 1, QueryLimits.PageSize, QueryLimits.PageSize + 1, count - 1, count, count + 1, 5000, int.MaxValue }
            .Where(t => t > 0).Distinct()];
    }

    [Theory]
    [MemberData(nameof(Tops))]
    public async Task ATopOfAnySizeIsAnsweredInPagesThatAddUpToExactlyThatManyRowsInTheUnpagedOrder(int top)
    {
        var expected = Catalogue.Targets.Select(t => t.Id).Take(top).ToList();
        Assert.True(Catalogue.Targets.Count > QueryLimits.PageSize, "the targets should need more than one page");

        var (rows, pages) = await PagesOf($"/odata/Targets?$top={top}&$select=Id");

        Assert.Equal(expected, rows);
        Assert.Equal(Math.Max(1, (expected.Count + QueryLimits.PageSize - 1) / QueryLimits.PageSize), pages);
    }

    [Theory]
    [MemberData(nameof(Tops))]
    public async Task ATopOfAnySizeAfterASkipAndAnOrderByPagesToTheSameWindowOfTheOrderedRows(int top)
    {
        const int skip = 7;
        var expected = Catalogue.Targets.Select(t => t.Id).OrderDescending(StringComparer.Ordinal).Skip(skip).Take(top).ToList();

        var (rows, _) = await PagesOf($"/odata/Targets?$orderby=Id desc&$skip={skip}&$top={top}&$select=Id&$count=true");

        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task TopFiveThousandOnTargetsPagesToEveryTargetAndTheCsvHoldsThemUnpaged()
    {
        var expected = Catalogue.Targets.Select(t => t.Id).Take(5000).ToList();

        var (rows, _) = await PagesOf("/odata/Targets?$top=5000");
        var csv = await app.CreateClient().GetStringAsync("/odata/Targets?$top=5000&$select=Id&$format=csv");

        Assert.Equal(Math.Min(5000, SeedFiles.TargetRows.Count), rows.Count);
        Assert.Equal(expected, rows);
        Assert.Equal(expected, csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }

    [Fact]
    public async Task ALargeTopCostsAPageLikeASmallOneSoAnExpansionTooLargeForAPageIsStillRefused()
    {
        const string expansion = "$expand=Targets($expand=Indicator($expand=Targets))";
        foreach (var top in new[] { QueryLimits.PageSize, 5000, int.MaxValue })
        {
            using var response = await app.CreateClient().GetAsync($"/odata/Indicators?$top={top}&{expansion}");
            var message = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!;

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(nameof(QueryLimits.MaxEntitiesPerAnswer), message);
        }
        // What fits in a page fits whatever the $top.
        var (rows, _) = await app.GetAllPages($"/odata/Indicators?$top=5000&$expand=Targets($top=5;$select=Id)&$select=Id");
        Assert.Equal(Catalogue.Indicators.Count, rows.Count);
    }

    [Fact]
    public async Task AnExpandedCollectionLongerThanAPageLinksToItsRestWithALinkThatAnswers()
    {
        var model = EdmModelFactory.Build();
        var checkedOnes = 0;
        foreach (var set in model.EntityContainer.EntitySets())
        {
            var clr = set.EntityType.ClrTypeOf();
            foreach (var navigation in set.EntityType.NavigationProperties().Where(n => n.Type.IsCollection()))
            {
                var property = clr.GetProperty(navigation.Name)!;
                var owner = Catalogue.EntitiesOf(clr).Cast<object>().FirstOrDefault(e => ((System.Collections.ICollection)property.GetValue(e)!).Count > QueryLimits.PageSize);
                if (owner is null) continue;
                var key = (string)clr.GetProperty("Id")!.GetValue(owner)!;
                var expected = ((System.Collections.IEnumerable)property.GetValue(owner)!).Cast<object>()
                    .Select(item => (string)item.GetType().GetProperty("Id")!.GetValue(item)!).ToList();

                var entity = await app.GetJson($"/odata/{set.Name}('{key}')?$expand={navigation.Name}($select=Id)&$select=Id");
                var ids = entity[navigation.Name]!.AsArray().Select(r => (string)r!["Id"]!).ToList();
                var next = (string?)entity[$"{navigation.Name}@odata.nextLink"];
                Assert.True(next is not null, $"{set.Name}('{key}')/{navigation.Name} has {expected.Count} items and no nextLink");
                var (rest, _) = await app.GetAllPages(next);
                ids.AddRange(rest.Select(r => (string)r["Id"]!));

                Assert.Equal(expected, ids);
                checkedOnes++;
            }
        }
        Assert.True(checkedOnes > 0, "some entity has a collection longer than a page");
    }

    // Every row id, following nextLink to the end; each nextLink's $top is what remains of the one asked for.
    private async Task<(List<string> Ids, int Pages)> PagesOf(string url)
    {
        var ids = new List<string>();
        var pages = 0;
        var asked = int.Parse(QueryHelpers.ParseQuery(new Uri("http://x" + url).Query)["$top"]!, System.Globalization.CultureInfo.InvariantCulture);
        for (string? next = url; next is not null; pages++)
        {
            Assert.True(pages < 1000, "paging does not end");
            var page = await app.GetJson(next);
            var values = page["value"]!.AsArray();
            Assert.True(values.Count <= QueryLimits.PageSize, $"a page of {values.Count} rows");
            ids.AddRange(values.Select(r => (string)r!["Id"]!));
            next = (string?)page["@odata.nextLink"];
            if (next is not null)
                Assert.Equal((long)asked - ids.Count, long.Parse(QueryHelpers.ParseQuery(new Uri(next).Query)["$top"]!, System.Globalization.CultureInfo.InvariantCulture));
        }
        return (ids, pages);
    }
}
