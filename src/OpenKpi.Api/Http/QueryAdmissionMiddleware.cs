using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Http;

/// <summary>
/// Uncached OData requests pass .NET's <see cref="ConcurrencyLimiter"/>s before they are evaluated: every query takes a
/// permit of the query limiter, a costly one first a permit of the costly limiter, which has fewer permits than the
/// machine has cores, so that expensive requests wait for each other rather than starve the cheap ones. A full queue
/// answers 503 with Retry-After. Each admitted request gets its <see cref="QueryBudget"/>, which starts here, after the wait.
/// </summary>
public sealed partial class QueryAdmissionMiddleware : IDisposable
{
    private readonly RequestDelegate _next;
    private readonly ConcurrencyOptions _options;
    private readonly ConcurrencyLimiter _queries;
    private readonly ConcurrencyLimiter _costly;

    public QueryAdmissionMiddleware(RequestDelegate next, IOptions<ConcurrencyOptions> options)
    {
        _next = next;
        _options = options.Value;
        _queries = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.QueryPermits, QueueLimit = _options.QueryQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _costly = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.CostlyPermits, QueueLimit = _options.CostlyQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!Errors.ErrorExtensions.IsOData(context))
        {
            await _next(context);
            return;
        }
        var aborted = context.RequestAborted;
        using var costly = IsCostly(context.Request) ? await _costly.AcquireAsync(1, aborted) : null;
        if (costly is { IsAcquired: false })
        {
            await Busy(context, "Concurrency:CostlyPermits", _options.CostlyPermits, _options.CostlyQueue);
            return;
        }
        using var lease = await _queries.AcquireAsync(1, aborted);
        if (!lease.IsAcquired)
        {
            await Busy(context, "Concurrency:QueryPermits", _options.QueryPermits, _options.QueryQueue);
            return;
        }
        QueryBudget.Start(TimeSpan.FromMilliseconds(_options.EvaluationMilliseconds), aborted);
        await _next(context);
    }

    private Task Busy(HttpContext context, string setting, int permits, int queue)
    {
        context.Response.Headers.RetryAfter = _options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Errors.ErrorExtensions.WriteError(context, StatusCodes.Status503ServiceUnavailable,
            $"The service is evaluating as many queries of this kind as it takes ({setting} = {permits}, with {queue} waiting). Retry after the time in Retry-After.");
    }

    /// <summary>What makes a query costly, read from its text (a guess that only orders the work; the limits are checked on the parsed query).</summary>
    internal static bool IsCostly(HttpRequest request)
    {
        if (request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase)) return true;
        var query = Uri.UnescapeDataString(request.QueryString.Value ?? "");
        return query.Length > 0 && CostlyText().IsMatch(query);
    }

    [GeneratedRegex(@"\$expand|\$apply|\$search|\$orderby|\$format=\s*(text/)?csv|/\$count|\b(any|all|contains|startswith|endswith|indexof|substring|tolower|toupper|trim|concat|length|matchesPattern)\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CostlyText();

    public void Dispose()
    {
        _queries.Dispose();
        _costly.Dispose();
    }
}
