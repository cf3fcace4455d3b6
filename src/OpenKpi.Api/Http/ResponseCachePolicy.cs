using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

/// <summary>
/// The base policy of ASP.NET Core's output cache, so that it runs before routing: a repeated query is answered with the
/// bytes of the first answer, kept compressed as sent. The dataset never changes while the process runs, so an answer is
/// a function of what <see cref="RequestKey"/> names: the host, the path, the query options in any order, the request
/// headers in Vary and the dataset's version. Requests for one key that arrive while its first answer is computed wait
/// for it (the cache's locking); conditional requests are answered from the ETag and Last-Modified the entry was kept with.
/// </summary>
public sealed class ResponseCachePolicy : IOutputCachePolicy
{
    // The request's, not the constructor's: the output cache is set up while the catalogue still loads.
    private static CatalogueSnapshot CatalogueOf(HttpContext http) => http.RequestServices.GetRequiredService<CatalogueSnapshot>();

    /// <summary>Says whether an answer came from the cache (HIT) or was computed and may be kept (MISS).</summary>
    public const string Header = "X-Cache";

    // An entry may last as long as the process, as the data does; the size limit is what evicts.
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    /// <summary>The paths whose answers are kept: the index and the OData routes (the downloads are streamed files, too large to keep).</summary>
    internal static bool IsCacheable(PathString path) =>
        path == "/" || path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase);

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // HEAD is a GET by now (HeadMiddleware), whose body goes nowhere.
        var request = context.HttpContext.Request;
        context.EnableOutputCaching = HttpMethods.IsGet(request.Method) && IsCacheable(request.Path);
        if (!context.EnableOutputCaching) return ValueTask.CompletedTask;

        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = Lifetime;
        var key = context.CacheVaryByRules;
        key.VaryByHost = true;
        key.VaryByValues["host"] = request.Host.Value ?? "";   // as sent: VaryByHost ignores its case, the links in the answer keep it
        key.QueryKeys = "*";
        key.HeaderNames = RequestKey.VaryHeaders;
        key.VaryByValues["dataset"] = CatalogueOf(context.HttpContext).Dataset.Version;
        context.HttpContext.Response.OnStarting(SayComputed, context.HttpContext.Response);
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        context.HttpContext.Response.OnStarting(AsServedFromCache, context.HttpContext.Response);
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        // Only a whole 200 is kept (an error, a 304 or an answer cut off by a client leaving is not); a larger answer than
        // an entry may hold (OutputCacheOptions.MaximumBodySize) the cache leaves out by itself.
        var http = context.HttpContext;
        context.AllowCacheStorage = http.Response.StatusCode == StatusCodes.Status200OK
            && !http.RequestAborted.IsCancellationRequested && !http.Response.Headers.ContainsKey(HeaderNames.SetCookie);
        return ValueTask.CompletedTask;
    }

    // Set as the answer starts, after the cache took its copy of the headers: "MISS" is never kept in an entry.
    private static Task SayComputed(object state)
    {
        ((HttpResponse)state).Headers.TryAdd(Header, "MISS");   // a hit has said HIT already
        return Task.CompletedTask;
    }

    private static Task AsServedFromCache(object state)
    {
        var response = (HttpResponse)state;
        response.Headers[Header] = "HIT";
        // The cache replays the first answer's Date and adds an Age; the answer is the one the API would compute now from the
        // same data, so it is dated now and fresh for max-age like a computed one.
        response.Headers.Remove(HeaderNames.Age);
        response.Headers.Date = HeaderUtilities.FormatDate(DateTimeOffset.UtcNow);
        // The cache's 304 carries Cache-Control, Date, ETag and Vary (RFC 9110 §15.4.5); the API's 304s also carry the other validator.
        if (response.StatusCode == StatusCodes.Status304NotModified) response.GetTypedHeaders().LastModified = CachingMiddleware.LastModifiedOf(CatalogueOf(response.HttpContext));
        return Task.CompletedTask;
    }
}
