using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Tests.Search;

/// <summary>
/// A search that arrives before its set's search index is built (it is built once, after start-up: seconds at a million
/// targets) waits for it only as long as its time budget, then is asked to come back; it never holds its thread until the
/// index is done. Each test has a snapshot of its own, whose indexes nothing has built yet.
/// </summary>
public sealed class SearchIndexWaitTests
{
    private static CatalogueSnapshot Unwarmed() => new(SeedImporter.Load(RepositoryPaths.Seeds));

    [Fact]
    public async Task WithNoTimeLeftASearchIsAskedToComeBackWhileTheIndexIsBuilt()
    {
        var catalogue = Unwarmed();
        var thrown = await Task.Run(() =>
        {
            // The first ask starts the build on the thread pool; a budget with nothing left does not wait for it.
            QueryBudget.Start(TimeSpan.Zero, CancellationToken.None);
            return Record.Exception(() => QueryPlan.SearchIndex(catalogue, typeof(Target)));
        });

        var pending = Assert.IsType<SearchIndexPendingException>(thrown);
        Assert.Contains("search index of Targets", pending.Message, StringComparison.Ordinal);
        Assert.Contains("Retry-After", pending.Message, StringComparison.Ordinal);
        // The build goes on without the request; once done, the same budget is answered from it at once.
        var index = await catalogue.SearchIndexBuilt(typeof(Target));
        var again = await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.Zero, CancellationToken.None);
            return QueryPlan.SearchIndex(catalogue, typeof(Target));
        });
        Assert.Same(index, again);
    }

    [Fact]
    public async Task WithTimeLeftASearchWaitsForTheIndex()
    {
        var catalogue = Unwarmed();
        var index = await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMinutes(1), CancellationToken.None);
            return QueryPlan.SearchIndex(catalogue, typeof(Indicator));
        });

        Assert.Same(await catalogue.SearchIndexBuilt(typeof(Indicator)), index);
    }

    [Fact]
    public async Task AClientThatHasGoneStopsWaiting()
    {
        var catalogue = Unwarmed();
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var thrown = await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            return Record.Exception(() => QueryPlan.SearchIndex(catalogue, typeof(CatalogueEntry)));
        });

        Assert.IsType<OperationCanceledException>(thrown, exactMatch: false);
    }
}
