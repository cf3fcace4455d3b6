using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

/// <summary>Section "ResponseCache": the serialised answers kept for repeated queries.</summary>
public sealed class ResponseCacheOptions
{
    public const string Section = "ResponseCache";

    /// <summary>Off only to measure the uncached path.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Memory the cached answers may take in all.</summary>
    public int SizeLimitMegabytes { get; set; } = 64;

    /// <summary>A larger answer (a whole-set CSV, say) is served but not kept.</summary>
    public int MaxEntryKilobytes { get; set; } = 1024;
}

/// <summary>
/// Repeated queries are answered with the bytes of the first answer. The dataset never changes while the
/// process runs, so an answer is a function of the request's <see cref="RequestKey"/> (so $top=5&amp;$skip=5
/// and $skip=5&amp;$top=5 share an entry, and another Host or Prefer does not). Entries are stored compressed, as sent.
/// </summary>
public sealed class ResponseCacheMiddleware(RequestDelegate next, CatalogueSnapshot catalogue, IOptions<ResponseCacheOptions> options)
{
    // What an answer carries that is the same for every request with its key; the rest (request id,
    // date, CORS) is set per request by the middleware around this one.
    private static readonly string[] KeptHeaders =
    [
        "Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "OData-Version",
        "api-supported-versions", "Vary", "ETag", "Last-Modified", "Cache-Control",
    ];

    private readonly ResponseCacheOptions _options = options.Value;
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = (long)options.Value.SizeLimitMegabytes * 1024 * 1024 });

    private sealed record Entry(int StatusCode, KeyValuePair<string, StringValues>[] Headers, EntityTagHeaderValue? ETag, byte[] Body);

    /// <summary>Says whether an answer came from the cache (HIT) or was computed and may be kept (MISS).</summary>
    public const string Header = "X-Cache";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method);
        if (!_options.Enabled || !(isGet || HttpMethods.IsHead(request.Method)) || !IsCacheable(request.Path))
        {
            await next(context);
            return;
        }

        var key = RequestKey.Of(request, catalogue.Dataset.Version);
        if (_entries.TryGetValue(key, out Entry? hit))
        {
            if (IsNotModified(request, hit!)) NotModified(context.Response, hit!);
            else await Replay(context, hit!, writeBody: isGet);
            return;
        }
        if (!isGet)
        {
            await next(context);
            return;
        }
        context.Response.Headers[Header] = "MISS";

        var bodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        var capture = new CapturingStream(bodyFeature.Stream, _options.MaxEntryKilobytes * 1024);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(capture, bodyFeature));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(bodyFeature);
        }

        var response = context.Response;
        if (response.StatusCode == StatusCodes.Status200OK && !context.RequestAborted.IsCancellationRequested
            && capture.Captured is { } body && !response.Headers.ContainsKey("Set-Cookie"))
        {
            var headers = KeptHeaders.Where(response.Headers.ContainsKey).Select(h => KeyValuePair.Create(h, response.Headers[h])).ToArray();
            _entries.Set(key, new Entry(response.StatusCode, headers, response.GetTypedHeaders().ETag, body), new MemoryCacheEntryOptions { Size = body.Length + key.Length * 2 + 512 });
        }
    }

    private static async Task Replay(HttpContext context, Entry entry, bool writeBody)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        response.Headers[Header] = "HIT";
        foreach (var (name, value) in entry.Headers) response.Headers[name] = value;
        response.ContentLength = entry.Body.Length;
        if (writeBody) await response.Body.WriteAsync(entry.Body, context.RequestAborted);
    }

    // The same answer as CachingMiddleware gives further in, from the entity tag the entry was stored with.
    private static bool IsNotModified(HttpRequest request, Entry entry) =>
        entry.ETag is { } etag && request.Headers.IfNoneMatch.Count > 0
        && request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: true));

    private static void NotModified(HttpResponse response, Entry entry)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        response.Headers[Header] = "HIT";
        foreach (var (name, value) in entry.Headers)
            if (!name.StartsWith("Content-", StringComparison.Ordinal)) response.Headers[name] = value;
    }

    private static bool IsCacheable(PathString path) =>
        path == "/" || path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase);

    /// <summary>Passes every write through and keeps a copy, until the answer outgrows what an entry may hold.</summary>
    private sealed class CapturingStream(Stream inner, int limit) : Stream
    {
        private MemoryStream? _copy = new();

        /// <summary>The whole answer, or null when it was larger than the limit.</summary>
        public byte[]? Captured => _copy?.ToArray();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Keep(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (_copy is null) return;
            if (_copy.Length + bytes.Length > limit) _copy = null;
            else _copy.Write(bytes);
        }
    }
}
