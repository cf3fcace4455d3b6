using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Generation;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>The items any/all visit, on a generated dataset large enough to pass the limit (the committed seeds are far below it).</summary>
public sealed class LambdaLimitTests : IClassFixture<LambdaLimitTests.Generated>
{
    private readonly KpiApplication _app;

    public LambdaLimitTests(Generated generated) => _app = generated.App;

    public sealed class Generated : IDisposable
    {
        private readonly string _seeds = Path.Combine(Path.GetTempPath(), "openkpi-lambda-" + Guid.NewGuid().ToString("N"));

        public Generated()
        {
            NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, _seeds, 60_000, seed: 3);
            App = new KpiApplication { SeedDirectory = _seeds };
        }

        public KpiApplication App { get; }

        public void Dispose()
        {
            App.Dispose();
            Directory.Delete(_seeds, recursive: true);
        }
    }

    [Fact]
    public async Task AnyOverTheTargetsOfEachTargetsIndicatorAnswers400NamingTheLimitAndTheItemsItWouldVisit()
    {
        var catalogue = _app.Services.GetRequiredService<CatalogueSnapshot>();
        var items = (long)catalogue.Targets.Count * catalogue.Indicators.Max(i => i.Targets.Count);
        Assert.True(items > QueryLimits.MaxLambdaItems, "the generated dataset must be large enough to pass the limit");

        using var response = await _app.CreateClient().GetAsync("/odata/Targets?$filter=Indicator/Targets/any(a:a/Year eq 2020)");
        var message = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(nameof(QueryLimits.MaxLambdaItems), message);
        Assert.Contains(items.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), message);
    }

    [Fact]
    public async Task TheSameQuestionAskedFromTheIndicatorsSideRuns()
    {
        var catalogue = _app.Services.GetRequiredService<CatalogueSnapshot>();
        var expected = catalogue.Indicators.Count(i => i.Targets.Any(t => t.Year == 2020));

        var page = await _app.GetJson("/odata/Indicators?$filter=Targets/any(a:a/Year eq 2020)&$count=true&$top=1");

        Assert.Equal(expected, (int)page["@odata.count"]!);
    }

    [Fact]
    public async Task AFilterNarrowedToOneProvinceMayCrossTheLargerCollection()
    {
        var catalogue = _app.Services.GetRequiredService<CatalogueSnapshot>();
        var province = catalogue.Provinces.OrderBy(p => p.Targets.Count).First(p => p.Targets.Count > 0);
        var expected = province.Targets.Count(t => t.Indicator?.Targets.Any(a => a.Year == 2020) == true);

        var page = await _app.GetJson($"/odata/Targets?$filter=ProvinceId eq '{province.Id}' and Indicator/Targets/any(a:a/Year eq 2020)&$count=true&$top=1");

        Assert.Equal(expected, (int)page["@odata.count"]!);
    }

    /// <summary>MaxComputedOrderWindow: a computed $orderby pages as deep as the window keeps alive, and no deeper; a property order any depth.</summary>
    [Theory]
    [InlineData("$orderby=concat(SourceLabel,Id) desc&$skip=4900", HttpStatusCode.OK)]
    [InlineData("$orderby=concat(SourceLabel,Id) desc&$skip=4901", HttpStatusCode.BadRequest)]
    [InlineData("$orderby=Year add 1,Id&$skip=50000&$top=5", HttpStatusCode.BadRequest)]
    [InlineData("$orderby=SourceLabel desc,Id&$skip=50000", HttpStatusCode.OK)]
    [InlineData("$orderby=Province/Name,Id&$skip=20000", HttpStatusCode.OK)]
    [InlineData("$orderby=concat(SourceLabel,Id)&$filter=ProvinceId eq 'VN-W0'&$skip=500", HttpStatusCode.OK)]
    public async Task AComputedOrderPagesOnlyAsDeepAsItsWindow(string query, HttpStatusCode status)
    {
        var catalogue = _app.Services.GetRequiredService<CatalogueSnapshot>();
        Assert.True(catalogue.Targets.Count > QueryLimits.MaxComputedOrderWindow, "the generated dataset must be larger than the window");

        using var response = await _app.CreateClient().GetAsync("/odata/Targets?" + query);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, response.StatusCode);
        if (status == HttpStatusCode.BadRequest)
            Assert.Contains($"{nameof(QueryLimits.MaxComputedOrderWindow)}", (string)body["error"]!["message"]!);
        else Assert.NotEmpty(body["value"]!.AsArray());
    }
}
