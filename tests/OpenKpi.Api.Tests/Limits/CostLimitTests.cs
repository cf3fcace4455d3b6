using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>Each declared cost limit answers 400 naming itself and its value, in every place an expression can stand; just under it, the query runs.</summary>
[Collection(KpiCollection.Name)]
public sealed class CostLimitTests(KpiApplication app)
{
    private const string Nested3 = "contains(tolower(trim(SourceLabel)),'a')";
    private const string Nested4 = "contains(tolower(trim(concat(SourceLabel,'x'))),'a')";

    [Theory]
    [InlineData("/odata/Targets?$filter=" + Nested4)]
    [InlineData("/odata/Targets?$orderby=length(tolower(trim(concat(SourceLabel,'x'))))")]
    [InlineData("/odata/Targets?$apply=filter(" + Nested4 + ")/aggregate($count as C)")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=" + Nested4 + ")")]
    public async Task FunctionsNestedDeeperThanTheLimitAnswer400WhereverTheyStand(string url) =>
        await AssertRefused(url, nameof(QueryLimits.MaxFunctionNesting), QueryLimits.MaxFunctionNesting);

    [Fact]
    public async Task FunctionsNestedToTheLimitRun() => await AssertRuns("/odata/Targets?$filter=" + Nested3);

    [Fact]
    public async Task MoreStringFunctionCallsThanTheLimitAnswer400()
    {
        var calls = Enumerable.Range(0, QueryLimits.MaxStringFunctionCalls + 1).Select(i => $"contains(SourceLabel,'{i}')").ToList();

        await AssertRefused("/odata/Targets?$filter=" + string.Join(" or ", calls), nameof(QueryLimits.MaxStringFunctionCalls), QueryLimits.MaxStringFunctionCalls);
        await AssertRuns("/odata/Targets?$filter=" + string.Join(" or ", calls.Skip(1)));
    }

    [Theory]
    [InlineData("/odata/Targets?$filter=matchesPattern(SourceLabel,'^(a+)+$')")]
    [InlineData("/odata/Targets?$apply=filter(matchesPattern(SourceLabel,'a'))")]
    public async Task MatchesPatternIsRefusedSayingWhy(string url)
    {
        var (status, message) = await Get(url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("matchesPattern is not offered", message);
    }

    [Fact]
    public async Task ComputeIsRefusedInApplyAsInItsOwnOption()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Get("/odata/Targets?$compute=Year add 1 as Y")).Status);
        var (status, message) = await Get("/odata/Targets?$apply=compute(Year add 1 as Y)");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("compute", message);
    }

    [Fact]
    public async Task AnAnswerThatCouldHoldMoreEntitiesThanTheLimitAnswers400BeforeItRuns()
    {
        // 100 indicators a page, each with up to 100 targets, each with its indicator and that one's 100 targets.
        await AssertRefused("/odata/Indicators?$top=1000&$expand=Targets($expand=Indicator($expand=Targets))",
            nameof(QueryLimits.MaxEntitiesPerAnswer), QueryLimits.MaxEntitiesPerAnswer);
        await AssertRuns("/odata/Indicators?$expand=Targets($top=5;$expand=Indicator($expand=Targets($top=5)))");
    }

    [Fact]
    public async Task IntegerArithmeticThatOverflowsAnswers400InsteadOfWrappingAround()
    {
        var (status, message) = await Get("/odata/Targets?$filter=Year mul 2147483647 gt 0");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("overflow", message);
        var catalogue = app.Services.GetRequiredService<CatalogueSnapshot>();
        var page = await app.GetJson("/odata/Targets?$filter=Year add 1 gt 2024&$count=true&$top=1");
        Assert.Equal(catalogue.Targets.Count(t => t.Year + 1 > 2024), (int)page["@odata.count"]!);
    }

    [Theory]
    [InlineData("/odata/Documents?$expand=Province($expand=Targets($top=1))&$format=csv")]
    [InlineData("/odata/Indicators?$expand=Targets&$format=csv")]
    public async Task ACsvWithACollectionExpandedIntoEachRowAnswers400(string url)
    {
        var (status, message) = await Get(url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("CSV", message);
    }

    [Fact]
    public async Task ACsvOfApplyResultsAnswers400SayingJsonHasThem()
    {
        var (status, message) = await Get("/odata/Targets?$apply=groupby((ProvinceId))&$format=csv");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("JSON", message);
    }

    [Fact]
    public async Task FullMetadataOfApplyResultsAnswers400SayingWhichLevelsAreOffered()
    {
        var (status, message) = await Get("/odata/Targets?$apply=aggregate($count as C)&$format=application/json;odata.metadata=full");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("odata.metadata=minimal", message);
        await AssertRuns("/odata/Targets?$apply=aggregate($count as C)&$format=application/json;odata.metadata=none");
    }

    private async Task<(HttpStatusCode Status, string Message)> Get(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode < 400) return (response.StatusCode, "");
        return (response.StatusCode, (string)JsonNode.Parse(body)!["error"]!["message"]!);
    }

    private async Task AssertRefused(string url, string limit, long value)
    {
        var (status, message) = await Get(url);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(limit, message);
        Assert.Contains(value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), message);
    }

    private async Task AssertRuns(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
