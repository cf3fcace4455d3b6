namespace OpenKpi.Api.Http;

/// <summary>Section "Concurrency": how many uncached queries are evaluated at once, and how many wait.</summary>
public sealed class ConcurrencyOptions
{
    public const string Section = "Concurrency";

    /// <summary>Queries evaluated at once (answers from the response cache take none).</summary>
    public int QueryPermits { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Queries waiting for a permit; one more answers 503 with Retry-After.</summary>
    public int QueryQueue { get; set; } = 256;

    /// <summary>
    /// Costly queries (an estimated 20 ms of CPU or more: a whole-set CSV, string functions or $apply over every target,
    /// collections expanded into a page) evaluated at once: fewer than the cores, so that one core is left for the cheap ones.
    /// </summary>
    public int CostlyPermits { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Costly queries waiting for a permit; one more answers 503 with Retry-After.</summary>
    public int CostlyQueue { get; set; } = 256;

    /// <summary>How long a query may take to evaluate (declared as QueryLimits.MaxEvaluationMilliseconds; lower only to test the deadline).</summary>
    public int EvaluationMilliseconds { get; set; } = OData.QueryLimits.MaxEvaluationMilliseconds;

    /// <summary>What Retry-After says when a queue is full.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}
