using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Api.Tests.Aggregation;

[Collection(KpiCollection.Name)]
public sealed class ApplyTests(KpiApplication app)
{
    [Fact]
    public async Task GroupByCountsTargetsPerDocument()
    {
        var expected = SeedFiles.TargetRows.GroupBy(r => r.DocumentId).ToDictionary(g => g.Key, g => g.Count());

        var page = await app.GetJson("/odata/Targets?$apply=groupby((DocumentId),aggregate($count as Count))");

        Assert.Equal(expected, page["value"]!.AsArray().ToDictionary(r => (string)r!["DocumentId"]!, r => (int)r!["Count"]!));
    }

    [Fact]
    public async Task GroupByProvinceAndComparatorCountsEveryTargetOnce()
    {
        var expected = SeedFiles.TargetRows
            .GroupBy(r => (Province: (string?)r.Row["provinceId"] ?? Province(r.DocumentId), Comparator: TargetValueParser.Parse((string?)r.Row["value"]).Comparator?.ToString()))
            .ToDictionary(g => g.Key, g => g.Count());

        var page = await app.GetJson("/odata/Targets?$apply=groupby((ProvinceId,Comparator),aggregate($count as Count))");

        Assert.Equal(expected, page["value"]!.AsArray().ToDictionary(r => ((string?)r!["ProvinceId"], (string?)r!["Comparator"]), r => (int)r!["Count"]!));
    }

    [Fact]
    public async Task FilterThenAggregateMinMaxOfRanges()
    {
        var ranges = SeedFiles.TargetRows.Select(r => TargetValueParser.Parse((string?)r.Row["value"]))
            .Where(p => p.Comparator == Domain.Entities.Comparator.Between).ToList();

        var page = await app.GetJson("/odata/Targets?$apply=filter(Comparator eq 'Between')/aggregate(Lower with min as MinLower,Upper with max as MaxUpper,$count as Count)");
        var row = Assert.Single(page["value"]!.AsArray())!;

        Assert.Equal(ranges.Count, (int)row["Count"]!);
        Assert.Equal(ranges.Min(p => p.Lower), (decimal)row["MinLower"]!);
        Assert.Equal(ranges.Max(p => p.Upper), (decimal)row["MaxUpper"]!);
    }

    [Fact]
    public async Task AggregatesCanBeOrderedAndTopped()
    {
        var expected = SeedFiles.TargetRows.GroupBy(r => r.DocumentId).OrderByDescending(g => g.Count()).Take(2).Select(g => g.Key);

        var page = await app.GetJson("/odata/Targets?$apply=groupby((DocumentId),aggregate($count as Count))&$orderby=Count desc&$top=2");

        Assert.Equal(expected, page["value"]!.AsArray().Select(r => (string)r!["DocumentId"]!));
    }

    [Fact]
    public async Task GroupByTwoNavigationPathsCountsAndSumsEachPairOnce()
    {
        // Groups keyed by nested wrappers, some null (targets with no province or no indicator): GroupKeyComparer's case.
        var targets = app.Services.GetRequiredService<CatalogueSnapshot>().Targets;
        var expected = targets.GroupBy(t => (Province: t.Province?.Name, Indicator: t.Indicator?.Name))
            .ToDictionary(g => g.Key, g => (Count: g.Count(), Sum: g.Sum(t => t.Lower) ?? 0m));

        var (rows, _) = await app.GetAllPages("/odata/Targets?$apply=groupby((Province/Name,Indicator/Name),aggregate($count as C,Lower with sum as S))");

        var actual = rows.ToDictionary(
            r => ((string?)r!["Province"]?["Name"], (string?)r!["Indicator"]?["Name"]),
            r => ((int)r!["C"]!, (decimal?)r!["S"] ?? 0m));
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal), actual.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/odata/Targets?$apply=groupby((Nope))")]
    [InlineData("/odata/Targets?$apply=aggregate(SourceLabel with sum as S)")]
    [InlineData("/odata/Targets?$apply=groupby(")]
    [InlineData("/odata/Indicators?$apply=groupby((GroupId))")]
    public async Task AnInvalidOrUnsupportedApplyAnswers400(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("stacktrace", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static string? Province(string documentId) =>
        (string?)SeedFiles.Records("documents.json").Single(d => (string)d["id"]! == documentId)["provinceId"];
}
