using Microsoft.AspNetCore.Http.Features;

namespace OpenKpi.Api.Http;

/// <summary>
/// HEAD wherever GET works (RFC 9110 §9.3.2): a HEAD request goes through the pipeline as the GET it stands for, so it
/// gets the GET's status and headers, caching and validators included, and its body goes nowhere. Its Content-Length is
/// the length of the body the GET sends (counted, or the file's), never a different one.
/// </summary>
public sealed class HeadMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        var server = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var discarded = new CountingStream();
        var body = new DiscardedBody(discarded, server);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
            await body.CompleteAsync();   // what is still buffered in its pipe is counted too
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
            context.Features.Set(server);
        }

        var response = context.Response;
        if (!response.HasStarted && response.ContentLength is null && !response.Headers.ContainsKey("Transfer-Encoding")
            && response.StatusCode is >= 200 and not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified))
            response.ContentLength = discarded.Length;
    }

    /// <summary>The body of a HEAD answer: written, counted, not sent; a file is counted without being read.</summary>
    private sealed class DiscardedBody(CountingStream stream, IHttpResponseBodyFeature server) : StreamResponseBodyFeature(stream, server)
    {
        public override Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        {
            stream.Count(count ?? new FileInfo(path).Length - offset);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingStream : Stream
    {
        private long _length;

        public void Count(long bytes) => _length += bytes;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _length += count;
            return Task.CompletedTask;
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _length += buffer.Length;
            return ValueTask.CompletedTask;
        }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
