using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Errors;

/// <summary>
/// One error shape per route family: every error goes through the problem details service, which
/// writes the OData error under /odata and RFC 9457 problem details elsewhere, never a stack trace.
/// </summary>
public static class ErrorExtensions
{
    public static IServiceCollection AddKpiErrors(this IServiceCollection services)
    {
        // Registered before the default writer, so it is asked first.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, ODataProblemDetailsWriter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        });
        return services;
    }

    public static WebApplication UseKpiErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandled, StatusCodeSelector = _ => 500 });
        app.UseStatusCodePages(context => WriteStatus(context.HttpContext));
        return app;
    }

    internal static bool IsOData(HttpContext context) => context.Request.Path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase);

    private static Task WriteUnhandled(HttpContext context) =>
        Write(context, 500, "The server failed to answer this request. Report the request id if it persists.");

    // An empty 4xx/5xx (no route, wrong method, unsupported media type) gets a body a person can act on.
    private static Task WriteStatus(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (status == 405 && AllowsGet(context.Response))
        {
            // Wherever GET works, HEAD does too (HeadMiddleware answers it); routing lists the GET alone. A plain OPTIONS
            // (a CORS preflight is answered before routing) is answered with what the resource allows.
            if (HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                context.Response.Headers.Allow = "GET, HEAD, OPTIONS";
                return Task.CompletedTask;
            }
            context.Response.Headers.Allow = "GET, HEAD";
        }
        var detail = status switch
        {
            404 => $"Nothing is found at {context.Request.Path}. The entity sets are listed at /odata.",
            405 => $"{context.Request.Method} is not allowed: the API is read-only; use GET (or HEAD).",
            406 => "None of the media types in Accept can be produced; ask for application/json.",
            415 => "The request's media type is not supported.",
            429 => $"Too many requests from your address: at most {RateLimits(context)}. Retry after the time in Retry-After.",
            _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
        };
        return Write(context, status, detail);
    }

    private static bool AllowsGet(HttpResponse response) =>
        response.Headers.Allow.ToString().Split(',', StringSplitOptions.TrimEntries).Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase);

    private static string RateLimits(HttpContext context)
    {
        var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Http.RateLimitOptions>>().Value;
        return $"{limits.PermitLimit} requests per {limits.WindowSeconds} seconds (RateLimiting:PermitLimit, RateLimiting:WindowSeconds)";
    }

    /// <summary>Writes an error in the shape of the request's route family: the OData error under /odata, problem details elsewhere.</summary>
    public static Task WriteError(HttpContext context, int status, string detail) => Write(context, status, detail);

    private static Task Write(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        if (IsOData(context))
            return ODataErrors.Write(context, status, CodeOf(title), status >= 500 ? $"{detail} Request id: {context.TraceIdentifier}." : detail);
        return Results.Problem(detail: detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["requestId"] = context.TraceIdentifier }).ExecuteAsync(context);
    }

    // "Too Many Requests" → "TooManyRequests".
    private static string CodeOf(string? title) =>
        string.Concat((title ?? "Error").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant()));

    /// <summary>Under /odata, problem details are written as the OData error: {"error":{"code","message"}}.</summary>
    private sealed class ODataProblemDetailsWriter : IProblemDetailsWriter
    {
        public bool CanWrite(ProblemDetailsContext context) => IsOData(context.HttpContext);

        public ValueTask WriteAsync(ProblemDetailsContext context)
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            var code = CodeOf(problem.Title);
            var message = problem.Detail ?? problem.Title ?? "The request failed.";
            if (status >= 500) message += $" Request id: {context.HttpContext.TraceIdentifier}.";
            return new ValueTask(ODataErrors.Write(context.HttpContext, status, code, message));
        }
    }
}
