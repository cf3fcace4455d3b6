using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.Aggregation;

/// <summary>Navigations that are null for some rows (a target without a province, a province without a successor) in $apply and nested $expand.</summary>
[Collection(KpiCollection.Name)]
public sealed class NullNavigationTests(KpiApplication app)
{
    private CatalogueSnapshot Catalogue => app.Services.GetRequiredService<CatalogueSnapshot>();

    [Fact]
    public async Task GroupingByAPropertyOfANavigationPutsTheRowsWithoutItInAGroupWhoseNavigationIsNull()
    {
        var page = await app.GetJson("/odata/Targets?$apply=groupby((Province/Name),aggregate($count as C))");

        var groups = page["value"]!.AsArray().Select(g => (Name: (string?)g!["Province"]?["Name"], Count: (int)g["C"]!)).ToList();
        Assert.Equal(Catalogue.Targets.Count(t => t.Province is null), groups.Single(g => g.Name is null).Count);
        foreach (var province in Catalogue.Provinces.Where(p => p.Targets.Count > 0))
            Assert.Equal(province.Targets.Count, groups.Single(g => g.Name == province.Name).Count);
    }

    [Fact]
    public async Task GroupingTwoNavigationsDeepIsNullAtTheFirstNavigationThatIs()
    {
        var page = await app.GetJson("/odata/Targets?$apply=groupby((Province/Successor/NameEn),aggregate($count as C))");

        var groups = page["value"]!.AsArray().ToList();
        Assert.Equal(Catalogue.Targets.Count(t => t.Province is null), (int)groups.Single(g => g!["Province"] is null)!["C"]!);
        var withoutSuccessor = groups.Where(g => g!["Province"] is { } p && p["Successor"] is null).Sum(g => (int)g!["C"]!);
        Assert.Equal(Catalogue.Targets.Count(t => t.Province is { Successor: null }), withoutSuccessor);
    }

    [Fact]
    public async Task ACollectionExpandedUnderANullNavigationIsLeftOutAndTheRestAnswer()
    {
        var (rows, _) = await app.GetAllPages("/odata/Agencies?$expand=Province($expand=Targets($top=1))");

        Assert.Equal(Catalogue.Agencies.Count, rows.Count);
        Assert.Contains(rows, r => r["Province"] is null);
        foreach (var row in rows.Where(r => r["Province"] is not null))
            Assert.Equal(Catalogue.ProvincesById[(string)row["Province"]!["Id"]!].Targets.Take(1).Count(), row["Province"]!["Targets"]!.AsArray().Count);
    }
}
