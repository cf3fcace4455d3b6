using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

/// <summary>
/// HTTP caching for a dataset that changes only with a new import: every answer of the same request
/// to the same dataset is the same bytes, so its strong ETag is a hash of the request's
/// <see cref="RequestKey"/>, and its Last-Modified the day the dataset's revision was published. The conditions of
/// RFC 9110 are evaluated here for an answer the output cache does not hold (it answers them for those it keeps):
/// If-None-Match (weak comparison, lists) answers 304 at once; If-Modified-Since (heard only without If-None-Match) and
/// "If-None-Match: *" hold only for a resource that exists, so they turn a 200 into a 304 at its first byte. The
/// downloads, files served with ranges, are given the same validators and evaluate the conditions (If-Range included)
/// in ASP.NET Core's file results; they get their Cache-Control and Vary here.
/// </summary>
public sealed class CachingMiddleware(RequestDelegate next)
{
    /// <summary>How long clients and proxies may reuse an answer without asking again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The OpenAPI document: the same for every request with its key, like the data.</summary>
    public const string OpenApiPath = "/swagger/v1/swagger.json";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !IsCacheable(request.Path)) return next(context);
        // Taken here, not in the constructor or the signature: the pipeline is built, and /health/live answers, while it loads.
        var catalogue = context.RequestServices.GetRequiredService<CatalogueSnapshot>();

        var etag = ETagOf(request, catalogue);
        var lastModified = LastModifiedOf(catalogue);
        void Stamp(HttpResponse response)
        {
            var headers = response.GetTypedHeaders();
            headers.ETag = etag;
            headers.LastModified = lastModified;
            headers.CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = MaxAge };
            response.Headers.Vary = RequestKey.Vary;
        }

        if (IsDownload(request.Path))
        {
            // A file result evaluates the conditions itself; a part of a file (206) is of the same representation as the whole.
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status206PartialContent or StatusCodes.Status304NotModified) Stamp(context.Response);
                return Task.CompletedTask;
            });
            return next(context);
        }

        // Stamped before the answer is written, not as it starts: the output cache keeps the headers an answer has at its
        // first byte, and answers conditional requests from them. An error loses them as it starts.
        Stamp(context.Response);
        if (IsNotModified(request, etag))
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        // Whether the resource exists only answering finds out: a 200 turns into a 304 at its first byte.
        if (HoldsIfFound(request, lastModified))
        {
            var body = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()!;
            context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>(
                new Microsoft.AspNetCore.Http.StreamResponseBodyFeature(new NotModifiedWhenFound(body.Stream, context.Response), body));
        }
        context.Response.OnStarting(() =>
        {
            var response = context.Response;
            if (response.StatusCode is not (StatusCodes.Status200OK or StatusCodes.Status304NotModified))
            {
                response.Headers.ETag = default;
                response.Headers.LastModified = default;
                response.Headers.CacheControl = default;
            }
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>The strong entity tag of the answer to <paramref name="request"/>: a hash of its key.</summary>
    public static EntityTagHeaderValue ETagOf(HttpRequest request, CatalogueSnapshot catalogue) =>
        new(RequestKey.ETag(request, catalogue.Dataset.Version));

    /// <summary>
    /// When the answers last changed: the day the dataset's revision was published, the same on every replica (an upgrade of the
    /// API that writes other bytes changes the ETag, which If-None-Match compares first).
    /// </summary>
    public static DateTimeOffset LastModifiedOf(CatalogueSnapshot catalogue) => catalogue.PublishedAt;

    /// <summary>Passes an answer's bytes on, unless it is a 200: then it becomes a bodiless 304.</summary>
    private sealed class NotModifiedWhenFound(Stream inner, HttpResponse response) : Stream
    {
        private bool? _passing;

        private bool Passing()
        {
            if (_passing is { } known) return known;
            if (response.StatusCode == StatusCodes.Status200OK && !response.HasStarted)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                response.ContentLength = null;
                response.Headers.ContentType = default;
                response.Headers.ContentDisposition = default;
                _passing = false;
            }
            else _passing = true;
            return _passing.Value;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { if (Passing()) inner.Flush(); }
        public override Task FlushAsync(CancellationToken cancellationToken) => Passing() ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;
        public override void Write(byte[] buffer, int offset, int count) { if (Passing()) inner.Write(buffer, offset, count); }
        public override void Write(ReadOnlySpan<byte> buffer) { if (Passing()) inner.Write(buffer); }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Passing() ? inner.WriteAsync(buffer, offset, count, cancellationToken) : Task.CompletedTask;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Passing() ? inner.WriteAsync(buffer, cancellationToken) : ValueTask.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// Whether the request's If-None-Match names this entity tag, by the weak comparison RFC 9110 prescribes for it
    /// (W/"x" names "x"), anywhere in its list: the client already holds the answer. ("*" is not enough here: it holds
    /// only for a resource that exists, which the answer shows.)
    /// </summary>
    public static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.Headers.IfNoneMatch.Count > 0
        && request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false));

    /// <summary>
    /// Whether the request's condition holds for any answer that exists: "If-None-Match: *", or, when there is no
    /// If-None-Match (which takes precedence), an If-Modified-Since no earlier than <paramref name="lastModified"/>
    /// (and not in the future, which makes it invalid).
    /// </summary>
    public static bool HoldsIfFound(HttpRequest request, DateTimeOffset lastModified)
    {
        if (request.Headers.IfNoneMatch.Count > 0) return request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any));
        return request.Headers.IfModifiedSince.Count == 1 && request.GetTypedHeaders().IfModifiedSince is { } since
            && since <= DateTimeOffset.UtcNow && lastModified <= since;
    }

    // What the output cache keeps, the OpenAPI document, and the downloads, which are the same bytes for a dataset but too large to keep.
    // A past revision's download has validators of its own, the same on every replica (RevisionDownloads).
    private static bool IsCacheable(PathString path) =>
        ResponseCachePolicy.IsCacheable(path) || path.Equals(OpenApiPath, StringComparison.OrdinalIgnoreCase)
        || (IsDownload(path) && !path.StartsWithSegments("/downloads/revisions", StringComparison.OrdinalIgnoreCase));

    private static bool IsDownload(PathString path) => path.StartsWithSegments("/downloads", StringComparison.OrdinalIgnoreCase);
}
