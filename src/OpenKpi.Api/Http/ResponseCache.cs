using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Http;

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
        "api-supported-versions", "Vary", "ETag", "Last-Modified", "Cache-Control", "Preference-Applied",
    ];

    private readonly ResponseCacheOptions _options = options.Value;
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = (long)options.Value.SizeLimitMegabytes * 1024 * 1024 });
    private readonly ConcurrentDictionary<string, Task<Entry?>> _computing = new();

    private sealed record Entry(int StatusCode, KeyValuePair<string, StringValues>[] Headers, EntityTagHeaderValue? ETag, DateTimeOffset? LastModified, byte[] Body);

    /// <summary>Says whether an answer came from the cache (HIT) or was computed and may be kept (MISS).</summary>
    public const string Header = "X-Cache";

    public async Task InvokeAsync(HttpContext context)
    {
        // HEAD is a GET by now (HeadMiddleware), whose body goes nowhere.
        var request = context.Request;
        if (!_options.Enabled || !HttpMethods.IsGet(request.Method) || !IsCacheable(request.Path))
        {
            await next(context);
            return;
        }

        var key = RequestKey.Of(request, catalogue.Dataset.Version);
        if (_entries.TryGetValue(key, out Entry? hit))
        {
            await Answer(context, hit!);
            return;
        }

        // Requests for one key that arrive while its first answer is being computed (a link shared widely, a
        // client's parallel connections) wait for that answer rather than each computing and keeping a copy.
        var computing = new TaskCompletionSource<Entry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = _computing.GetOrAdd(key, computing.Task);
        if (first != computing.Task)
        {
            if (await Shared(first, context.RequestAborted) is { } shared) await Answer(context, shared);
            else await next(context);   // the first answer was not kept (an error, too large) or is slow: compute this one
            return;
        }

        Entry? entry = null;
        try
        {
            entry = await Compute(context, key);
        }
        finally
        {
            _computing.TryRemove(key, out _);
            computing.SetResult(entry);
        }
    }

    /// <summary>
    /// The first answer once it is kept, or null when it was not or took longer than <see cref="Patience"/>: the first
    /// request's answer is written to its own client, and a client reading slowly must not hold up the others.
    /// </summary>
    private static async Task<Entry?> Shared(Task<Entry?> first, CancellationToken aborted)
    {
        try
        {
            return await first.WaitAsync(Patience, aborted);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>How long a request waits for the same answer computed for another.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    /// <summary>Computes the answer while keeping a copy of it; returns the entry kept, or null.</summary>
    private async Task<Entry?> Compute(HttpContext context, string key)
    {
        context.Response.Headers[Header] = "MISS";
        var bodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var capture = new CapturingStream(bodyFeature.Stream, _options.MaxEntryKilobytes * 1024);
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
        if (response.StatusCode != StatusCodes.Status200OK || context.RequestAborted.IsCancellationRequested
            || response.Headers.ContainsKey("Set-Cookie") || capture.TakeCaptured() is not { } body) return null;
        var headers = KeptHeaders.Where(response.Headers.ContainsKey).Select(h => KeyValuePair.Create(h, response.Headers[h])).ToArray();
        var typed = response.GetTypedHeaders();
        var entry = new Entry(response.StatusCode, headers, typed.ETag, typed.LastModified, body);
        _entries.Set(key, entry, new MemoryCacheEntryOptions { Size = body.Length + key.Length * 2 + 512 });
        return entry;
    }

    // The same 304 as CachingMiddleware gives further in, from the validators the entry was stored with.
    private static Task Answer(HttpContext context, Entry entry)
    {
        // A kept answer is a resource that exists: "If-None-Match: *" and a late enough If-Modified-Since hold for it.
        if (entry is { ETag: { } etag, LastModified: { } lastModified }
            && (CachingMiddleware.IsNotModified(context.Request, etag) || CachingMiddleware.HoldsIfFound(context.Request, lastModified)))
        {
            NotModified(context.Response, entry);
            return Task.CompletedTask;
        }
        return Replay(context, entry);
    }

    private static async Task Replay(HttpContext context, Entry entry)
    {
        var response = context.Response;
        response.StatusCode = entry.StatusCode;
        response.Headers[Header] = "HIT";
        foreach (var (name, value) in entry.Headers) response.Headers[name] = value;
        response.ContentLength = entry.Body.Length;
        await response.Body.WriteAsync(entry.Body, context.RequestAborted);
    }

    private static void NotModified(HttpResponse response, Entry entry)
    {
        response.StatusCode = StatusCodes.Status304NotModified;
        response.Headers[Header] = "HIT";
        foreach (var (name, value) in entry.Headers)
            if (!name.StartsWith("Content-", StringComparison.Ordinal)) response.Headers[name] = value;
    }

    /// <summary>The paths whose answers are kept: the index and the OData routes (the downloads are streamed files, too large to keep).</summary>
    internal static bool IsCacheable(PathString path) =>
        path == "/" || path.StartsWithSegments("/odata", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Passes every write through and keeps a copy, until the answer outgrows what an entry may hold. The copy is
    /// kept in pooled chunks and copied once, at its exact size, into the entry: a growing buffer would leave
    /// two or three large arrays behind for every answer kept, which only a full collection frees.
    /// </summary>
    private sealed class CapturingStream(Stream inner, int limit) : Stream
    {
        private const int ChunkSize = 64 * 1024;
        private readonly List<byte[]> _chunks = [];
        private int _length;
        private bool _stopped;   // nothing more is kept: the answer outgrew the limit, or the copy was taken

        /// <summary>The whole answer, or null when it was larger than the limit; the chunks go back to the pool.</summary>
        public byte[]? TakeCaptured()
        {
            if (_stopped) return null;
            var body = GC.AllocateUninitializedArray<byte>(_length);
            for (var i = 0; i < _chunks.Count; i++)
                _chunks[i].AsSpan(0, Math.Min(ChunkSize, _length - i * ChunkSize)).CopyTo(body.AsSpan(i * ChunkSize));
            Release();
            _stopped = true;
            return body;
        }

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

        protected override void Dispose(bool disposing)
        {
            Release();
            base.Dispose(disposing);
        }

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (_stopped) return;
            if (_length + bytes.Length > limit)
            {
                _stopped = true;
                Release();
                return;
            }
            while (!bytes.IsEmpty)
            {
                if (_length == _chunks.Count * ChunkSize) _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                var offset = _length - (_chunks.Count - 1) * ChunkSize;
                var count = Math.Min(ChunkSize - offset, bytes.Length);
                bytes[..count].CopyTo(_chunks[^1].AsSpan(offset));
                bytes = bytes[count..];
                _length += count;
            }
        }

        private void Release()
        {
            foreach (var chunk in _chunks) ArrayPool<byte>.Shared.Return(chunk);
            _chunks.Clear();
        }
    }
}
