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

        // "If-None-Match: *" holds when the resource exists, which only answering finds out: a 200 turns into a 304 at its first byte.
        if (request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any)))
        {
            var body = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()!;
            context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>(
                new Microsoft.AspNetCore.Http.StreamResponseBodyFeature(new NotModifiedWhenFound(body.Stream, context.Response, Stamp), body));
        }
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status200OK) Stamp(context.Response);
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Passes an answer's bytes on, unless it is a 200: then it becomes a bodiless 304.</summary>
    private sealed class NotModifiedWhenFound(Stream inner, HttpResponse response, Action<HttpResponse> stamp) : Stream
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
                stamp(response);
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
    /// Whether the request's If-None-Match names this entity tag: the client already holds the answer. ("*" is not
    /// enough here: it holds only for a resource that exists, which the answer shows.)
    /// </summary>
    public static bool IsNotModified(HttpRequest request, EntityTagHeaderValue etag) =>
        request.Headers.IfNoneMatch.Count > 0
        && request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: true));

    // What the response cache keeps, and the downloads, which are the same bytes for a dataset but too large to keep.
    private static bool IsCacheable(PathString path) =>
        ResponseCacheMiddleware.IsCacheable(path) || path.StartsWithSegments("/downloads", StringComparison.OrdinalIgnoreCase);
}
