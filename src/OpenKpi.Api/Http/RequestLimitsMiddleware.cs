using OpenKpi.Api.OData;

namespace OpenKpi.Api.Http;

/// <summary>
/// The URL and header limits of <see cref="QueryLimits"/>, and query strings the OData library cannot read, answered with a JSON body that names them
/// (Kestrel's own, higher limits stay as a backstop, but answer without a body).
/// </summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var urlLength = request.Path.Value?.Length + request.QueryString.Value?.Length ?? 0;
        if (urlLength > QueryLimits.MaxUrlLength)
            return Reject(context, StatusCodes.Status414UriTooLong,
                $"The URL is {urlLength} characters long; the limit (MaxUrlLength) is {QueryLimits.MaxUrlLength}. Shorten the query, or split it.");

        // The OData library fails on an option without a name ("?=x", "&="): refuse it plainly.
        if (request.Query.Keys.Any(string.IsNullOrEmpty))
            return Reject(context, StatusCodes.Status400BadRequest, "The query string has an option without a name ('=…' or '&='); remove it.");

        var headerBytes = request.Headers.Sum(h => h.Key.Length + h.Value.Sum(v => v?.Length ?? 0) + 4);
        if (headerBytes > QueryLimits.MaxRequestHeadersBytes)
            return Reject(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request headers hold {headerBytes} bytes; the limit (MaxRequestHeadersBytes) is {QueryLimits.MaxRequestHeadersBytes}.");
        return next(context);
    }

    private static Task Reject(HttpContext context, int status, string detail) => Errors.ErrorExtensions.WriteError(context, status, detail);
}
