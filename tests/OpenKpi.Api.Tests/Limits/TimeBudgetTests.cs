using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>The evaluation deadline and the client's departure stop a query's enumeration.</summary>
public sealed class TimeBudgetTests
{
    [Fact]
    public async Task AQueryOverItsEvaluationTimeAnswers400NamingTheLimitAndTheProbesStillAnswer()
    {
        using var app = new KpiApplication { Settings = { ["Concurrency:EvaluationMilliseconds"] = "0" } };
        var client = app.CreateClient();

        using var response = await client.GetAsync("/odata/Targets?$filter=Year gt 2000");
        var message = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(nameof(QueryLimits.MaxEvaluationMilliseconds), message);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task AGuardedEnumerationStopsOnceTheClientHasGone()
    {
        using var gone = new CancellationTokenSource();
        var seen = 0;
        await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            Assert.Throws<OperationCanceledException>(() =>
            {
                foreach (var _ in QueryBudget.Guard(Enumerable.Range(0, int.MaxValue)))
                    if (++seen == 5_000) gone.Cancel();
            });
        });

        Assert.InRange(seen, 5_000, 5_000 + 1024);
    }

    [Fact]
    public async Task AGuardedEnumerationStopsAtItsDeadline()
    {
        await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMilliseconds(20), CancellationToken.None);
            var error = Assert.Throws<QueryBudgetExceededException>(() =>
            {
                foreach (var _ in QueryBudget.Guard(Enumerable.Range(0, int.MaxValue))) Thread.SpinWait(50);
            });
            Assert.Contains("20 ms", error.Message);
        });
    }

    [Fact]
    public async Task AGuardedListKeepsItsIndexedPathsAndIsWatchedWhenWalked()
    {
        await Task.Run(() =>
        {
            var list = Enumerable.Range(0, 100_000).ToList();
            using var gone = new CancellationTokenSource();
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            var guarded = QueryBudget.Guard(list);

            Assert.IsAssignableFrom<IList<int>>(guarded);
            Assert.Equal(list.Skip(99_990).Take(5), guarded.Skip(99_990).Take(5));
            Assert.Equal(list.Count, guarded.Count());
            gone.Cancel();
            Assert.Equal(99_995, guarded.Skip(99_995).First());   // the indexed path reads no item through the budget
            Assert.Throws<OperationCanceledException>(() => guarded.Where(i => i > 5).ToList());
        });
    }
}

/// <summary>What the budget watches beyond the collections a query reads.</summary>
public sealed class CountedKeyTests
{
    [Fact]
    public async Task KeysComputedAfterTheSourceWasReadAreWatchedToo()
    {
        // The keys of an OrderBy are computed once its source has been read: counted, they meet the deadline.
        await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMilliseconds(20), CancellationToken.None);
            var rows = Enumerable.Range(0, 1_000_000).ToList();
            Assert.Throws<QueryBudgetExceededException>(() =>
                rows.OrderBy(i => QueryBudget.Counted(SlowKey(i))).First());
        });
    }

    private static int SlowKey(int i)
    {
        Thread.SpinWait(50);
        return -i;
    }
}

/// <summary>A costly query's budget, restarted once it holds its permit, is the one its answer is written under.</summary>
public sealed class RestartedBudgetTests
{
    [Fact]
    public async Task TheAnswerOfAQueryThatWaitedForTheCostlyLaneIsWrittenUnderTheRestartedBudget()
    {
        using var admission = new OpenKpi.Api.Http.QueryAdmission(Microsoft.Extensions.Options.Options.Create(new OpenKpi.Api.Http.ConcurrencyOptions { EvaluationMilliseconds = 100 }));
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        await Task.Run(async () =>
        {
            admission.StartBudget(http);              // the admission middleware, before routing
            await EvaluateAfterAWait(admission, http); // the query filter: waits for the costly lane, restarts, evaluates
            // The result executor, back in the middleware's flow, writes lazily expanded rows past the first deadline.
            Assert.Equal(10_000, QueryBudget.Guard(Enumerable.Range(0, 10_000)).Count(_ => true));
        });
    }

    private static async Task EvaluateAfterAWait(OpenKpi.Api.Http.QueryAdmission admission, Microsoft.AspNetCore.Http.HttpContext http)
    {
        await Task.Delay(300);   // longer than the budget: waiting for the permit
        admission.RestartBudget(http);
        QueryBudget.Current!.EndEvaluation();
    }
}

/// <summary>A row's navigation collection, guarded while the query runs, is still watched when the answer's writer reads it.</summary>
public sealed class LateEnumerationBudgetTests
{
    [Fact]
    public async Task AShortListGuardedBeforeTheClientLeftStopsWhenReadAfter()
    {
        await Task.Run(() =>
        {
            using var gone = new CancellationTokenSource();
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            var targets = QueryBudget.Guard(new List<int> { 1, 2, 3 });   // an expanded indicator's targets, projected
            QueryBudget.Current!.EndEvaluation();
            gone.Cancel();                                                  // the client leaves while the page is written

            Assert.Throws<OperationCanceledException>(() => { foreach (var _ in targets) { } });
        });
    }
}

/// <summary>A short list read at once where it is guarded (any, all, count) is counted whole and read as it is.</summary>
public sealed class GuardReadTests
{
    [Fact]
    public async Task AShortListIsReadAsItIsAndCountedSoThatTheClientsDepartureIsSeenWithinAThousandItems()
    {
        await Task.Run(() =>
        {
            using var gone = new CancellationTokenSource();
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            var agencies = new List<int> { 1, 2, 3 };
            Assert.Same(agencies, QueryBudget.GuardRead(agencies));
            gone.Cancel();

            var reads = 0;
            Assert.Throws<OperationCanceledException>(() => { for (; reads < 10_000; reads++) QueryBudget.GuardRead(agencies); });
            Assert.InRange(reads, 1, 1024 / agencies.Count + 1);
        });
    }

    [Fact]
    public async Task ALongListIsWatchedAsItIsWalked()
    {
        await Task.Run(() =>
        {
            using var gone = new CancellationTokenSource();
            QueryBudget.Start(TimeSpan.FromMinutes(1), gone.Token);
            var targets = Enumerable.Range(0, 5_000).ToList();
            var guarded = QueryBudget.GuardRead(targets);
            Assert.NotSame(targets, guarded);
            gone.Cancel();
            Assert.Throws<OperationCanceledException>(() => guarded.Any(t => t < 0));
        });
    }
}
