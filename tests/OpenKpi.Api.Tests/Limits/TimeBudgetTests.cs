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

/// <summary>A costly query gives way to the others while they are served, and its waits are not charged to its deadline.</summary>
public sealed class PacingTests
{
    // 30 ms of work, in items of 30 µs; the budget looks at every 64th item, so about 15 slices of 2 ms.
    private static void Work(IEnumerable<int> items)
    {
        foreach (var _ in items)
        {
            var until = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 30 / 1_000_000;
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
        }
    }

    [Fact]
    public async Task WhileOthersAreServedAPacedQueryWaitsAndItsWaitsDoNotCountAgainstItsDeadline()
    {
        var asked = 0;
        var budget = await Task.Run(() =>
        {
            // A deadline of 500 ms, pauses of 100 ms: a query charged for its waits would pass it.
            QueryBudget.Start(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            QueryBudget.Current!.Pace(() => { asked++; return true; }, sliceMilliseconds: 1, pauseMilliseconds: 100);
            Work(QueryBudget.Guard(Enumerable.Range(0, 1_000)));
            return QueryBudget.Current;
        });

        Assert.True(budget.Pauses >= 8, $"{budget.Pauses} pauses");   // 800 ms or more of waiting
        Assert.Equal(budget.Pauses, asked);
    }

    [Fact]
    public async Task AloneAPacedQueryNeverWaits()
    {
        var budget = await Task.Run(() =>
        {
            QueryBudget.Start(TimeSpan.FromMinutes(1), CancellationToken.None);
            QueryBudget.Current!.Pace(() => false, sliceMilliseconds: 1, pauseMilliseconds: 40);
            Work(QueryBudget.Guard(Enumerable.Range(0, 1_000)));
            return QueryBudget.Current;
        });

        Assert.Equal(0, budget.Pauses);
    }

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
