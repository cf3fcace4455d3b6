using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace OpenKpi.Api.Http;

/// <summary>
/// The two .NET <see cref="ConcurrencyLimiter"/>s uncached queries pass: every query takes a permit of the query
/// limiter before routing (<see cref="QueryAdmissionMiddleware"/>); one whose estimated cost is high
/// (<see cref="OData.QueryCost.CostlyMicroseconds"/>) also a permit of the costly limiter before it is evaluated,
/// which has fewer permits than the machine has cores, so that expensive queries wait for each other rather than
/// take every core from the cheap ones. A full queue answers 503 with Retry-After.
/// </summary>
public sealed class QueryAdmission : IDisposable
{
    private readonly ConcurrencyLimiter _queries;
    private readonly ConcurrencyLimiter _costly;

    public QueryAdmission(IOptions<ConcurrencyOptions> options)
    {
        Options = options.Value;
        _queries = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Options.QueryPermits, QueueLimit = Options.QueryQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _costly = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Options.CostlyPermits, QueueLimit = Options.CostlyQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public ConcurrencyOptions Options { get; }

    public ValueTask<RateLimitLease> EnterQueryAsync(CancellationToken aborted) => _queries.AcquireAsync(1, aborted);

    /// <summary>Where the middleware leaves the request's query permit.</summary>
    public const string LeaseKey = "OpenKpi.QueryLease";

    /// <summary>
    /// A permit of the costly limiter, for a query that holds one of the query limiter: that one is given back first, so
    /// that costly queries waiting for each other do not hold the permits the cheap ones need.
    /// </summary>
    public ValueTask<RateLimitLease> EnterCostlyAsync(HttpContext context)
    {
        if (context.Items[LeaseKey] is RateLimitLease query)
        {
            query.Dispose();
            context.Items.Remove(LeaseKey);
        }
        return _costly.AcquireAsync(1, context.RequestAborted);
    }

    private TimeSpan EvaluationLimit => TimeSpan.FromMilliseconds(Options.EvaluationMilliseconds);

    /// <summary>Gives the request its evaluation deadline, from now (once admitted).</summary>
    public void StartBudget(HttpContext context) => OData.QueryBudget.Start(EvaluationLimit, context.RequestAborted);

    /// <summary>The request's deadline again from now, after its wait for a costly permit: the same budget, which its answer is written under.</summary>
    public void RestartBudget(HttpContext context)
    {
        if (OData.QueryBudget.Current is { } budget) budget.Restart(EvaluationLimit);
        else StartBudget(context);
    }

    /// <summary>Says in Retry-After when a 503 of this service is worth trying again.</summary>
    public void SetRetryAfter(HttpContext context) =>
        context.Response.Headers.RetryAfter = Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The 503 of a full queue, with Retry-After and the setting that bounds it.</summary>
    public string Busy(HttpContext context, bool costly)
    {
        SetRetryAfter(context);
        var (setting, permits, queue) = costly
            ? ("Concurrency:CostlyPermits", Options.CostlyPermits, Options.CostlyQueue)
            : ("Concurrency:QueryPermits", Options.QueryPermits, Options.QueryQueue);
        return $"The service is evaluating as many {(costly ? "costly " : "")}queries as it takes ({setting} = {permits}, with {queue} waiting). Retry after the time in Retry-After.";
    }

    public void Dispose()
    {
        _queries.Dispose();
        _costly.Dispose();
    }
}
