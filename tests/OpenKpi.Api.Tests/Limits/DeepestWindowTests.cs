using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Generation;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>Tests that count what a process-wide counter sees, run when no other test runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "serial";
}

/// <summary>
/// The deepest page MaxComputedOrderWindow allows is selected by <see cref="OrderedWindow"/>'s heap, which keeps only the
/// window's keys alive: with the one row the plan reads past a page it went LINQ's way, which computes and holds every
/// row's key (under attack, ~38 MB promoted a request).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DeepestWindowTests : IClassFixture<DeepestWindowTests.Generated>
{
    private readonly KpiApplication _app;

    public DeepestWindowTests(Generated generated) => _app = generated.App;

    public sealed class Generated : IDisposable
    {
        private readonly string _seeds = Path.Combine(Path.GetTempPath(), "openkpi-window-" + Guid.NewGuid().ToString("N"));

        public Generated()
        {
            NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, _seeds, 12_000, seed: 5);
            App = new KpiApplication { SeedDirectory = _seeds };
        }

        public KpiApplication App { get; }

        public void Dispose()
        {
            App.Dispose();
            Directory.Delete(_seeds, recursive: true);
        }
    }

    [Theory]
    [InlineData("$orderby=concat(SourceLabel,Id) desc", QueryLimits.PageSize)]
    [InlineData("$orderby=concat(SourceLabel,Id) desc&$count=true", QueryLimits.PageSize)]
    [InlineData("$orderby=concat(SourceLabel,Id),Year desc&$top=10&$select=Id", 10)]
    public async Task TheDeepestPageTheLimitAllowsIsSelectedByTheHeap(string query, int page)
    {
        var catalogue = _app.Services.GetRequiredService<CatalogueSnapshot>();
        Assert.True(catalogue.Targets.Count > QueryLimits.MaxComputedOrderWindow, "the generated dataset must be larger than the window");
        var deepest = QueryLimits.MaxComputedOrderWindow - page;
        var client = _app.CreateClient();

        var before = OrderedWindow.Sorted;
        using var response = await client.GetAsync($"/odata/Targets?{query}&$skip={deepest}");
        var sorted = OrderedWindow.Sorted - before;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, sorted);
        // One row deeper is refused.
        using var deeper = await client.GetAsync($"/odata/Targets?{query}&$skip={deepest + 1}");
        Assert.Equal(HttpStatusCode.BadRequest, deeper.StatusCode);
    }
}
