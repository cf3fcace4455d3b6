using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

/// <summary>
/// HTTP caching for a dataset that changes only with a new import: every answer of the same request
/// to the same dataset is the same bytes, so its strong ETag is a hash of the request's
/// <see cref="RequestKey"/>. A matching If-None-Match answers 304 at once.
/// </summary>
public sealed class CachingMiddleware(RequestDelegate next, CatalogueSnapshot catalogue)
{
    /// <summary>How long clients and proxies may reuse an answer without asking again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !IsCacheable(request.Path)) return next(context);

        var etag = new EntityTagHeaderValue(RequestKey.ETag(request, catalogue.Dataset.Version));
        var lastModified = DateTime.SpecifyKind(catalogue.Dataset.ImportedAtUtc, DateTimeKind.Utc);
        void Stamp(HttpResponse response)
        {
            var headers = response.GetTypedHeaders();
            headers.ETag = etag;
            headers.LastModified = new DateTimeOffset(lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)));
            headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = MaxAge };
            response.Headers.Vary = RequestKey.Vary;
        }

        if (IsNotModified(request, etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            Stamp(context.Response);
            return Task.CompletedTask;
        }

        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK) Stamp(context.Response);
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Whether the request's If-None-Match names this entity tag (or any): the client already holds the answer.</summary>
    public static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.Headers.IfNoneMatch.Count > 0
        && request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: true));

    // What the response cache keeps, and the downloads, which are the same bytes for a dataset but too large to keep.
    private static bool IsCacheable(PathString path) =>
        ResponseCacheMiddleware.IsCacheable(path) || path.StartsWithSegments("/downloads", StringComparison.OrdinalIgnoreCase);
}
