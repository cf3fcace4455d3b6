using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Tests.Aggregation;

/// <summary>
/// Aggregates of properties over groups, which the library computes over per-row wrappers and FlattenedGroups over the
/// rows themselves: the answers are what LINQ gives over the snapshot, group for group, and the rewrite did run.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class FlattenedGroupsTests(KpiApplication app)
{
    private IReadOnlyList<Target> Targets => app.Services.GetRequiredService<CatalogueSnapshot>().Targets;

    public static TheoryData<string> Aggregates => new()
    {
        "Lower with sum as V", "Lower with min as V", "Upper with max as V", "Lower with average as V", "Upper with countdistinct as V",
    };

    [Theory]
    [MemberData(nameof(Aggregates))]
    public async Task EachAggregateOfAPropertyPerProvinceAndIndicatorIsLinqs(string aggregate)
    {
        var expected = Targets.GroupBy(t => (Province: t.Province?.Name, Indicator: t.Indicator?.Name))
            .ToDictionary(g => g.Key.ToString(), g => (Count: g.LongCount(), Value: Expected(aggregate, g)));
        var before = (Flattened: FlattenedGroups.Rewritten, Leaves: LeafGroupKeys.Rewritten);

        var (rows, _) = await app.GetAllPages($"/odata/Targets?$apply=groupby((Province/Name,Indicator/Name),aggregate($count as C,{aggregate}))");

        Assert.True(FlattenedGroups.Rewritten > before.Flattened, "the groupby was left in the library's form");
        Assert.True(LeafGroupKeys.Rewritten > before.Leaves, "the groups were keyed by the library's wrappers");
        var actual = rows.ToDictionary(
            r => ((string?)r!["Province"]?["Name"], (string?)r!["Indicator"]?["Name"]).ToString(),
            r => ((long)r!["C"]!, (decimal?)r!["V"]));
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), actual.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task GroupsKeepTheirOrderAndAFilterBeforeThemAndAnOrderAfter()
    {
        var expected = Targets.Where(t => t.Year >= 2025).GroupBy(t => t.ProvinceId)
            .Select(g => (Province: g.Key, Sum: g.Sum(t => t.Lower) ?? 0m, Count: g.Count()))
            .OrderByDescending(g => g.Sum).ThenBy(g => g.Province, StringComparer.Ordinal).Take(5).ToList();

        var page = await app.GetJson("/odata/Targets?$apply=filter(Year ge 2025)/groupby((ProvinceId),aggregate(Lower with sum as S,$count as C))&$orderby=S desc,ProvinceId&$top=5");

        Assert.Equal(expected, page["value"]!.AsArray().Select(r => ((string?)r!["ProvinceId"], (decimal?)r!["S"] ?? 0m, (int)r!["C"]!)).ToList());
    }

    private static decimal? Expected(string aggregate, IEnumerable<Target> group) => aggregate.Split(' ') switch
    {
        ["Lower", _, "sum", ..] => group.Sum(t => t.Lower) ?? 0m,
        ["Lower", _, "min", ..] => group.Min(t => t.Lower),
        ["Upper", _, "max", ..] => group.Max(t => t.Upper),
        ["Lower", _, "average", ..] => group.Average(t => t.Lower),
        ["Upper", _, "countdistinct", ..] => group.Select(t => t.Upper).Distinct().Count(),
        _ => throw new ArgumentException(aggregate),
    };
}
