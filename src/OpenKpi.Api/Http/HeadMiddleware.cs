using Microsoft.AspNetCore.Http.Features;

namespace OpenKpi.Api.Http;

/// <summary>
/// HEAD wherever GET works (RFC 9110 §9.3.2): a HEAD request goes through the pipeline as the GET it stands for, so it
/// gets the GET's status and headers, caching and validators included, and its body goes nowhere. The answer starts
/// when the GET's would (at its first byte), so everything that stamps headers as an answer starts does so for HEAD too.
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
        var body = new DiscardedBody(server);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
            await body.CompleteAsync();   // what is still buffered in its pipe starts the answer, as it would for the GET
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
            context.Features.Set(server);
        }
    }

    /// <summary>The body of a HEAD answer: started as the GET's would be, not sent; a file is not even read.</summary>
    private sealed class DiscardedBody(IHttpResponseBodyFeature server) : StreamResponseBodyFeature(new DiscardingStream(server), server)
    {
        public override Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
            PriorFeature!.StartAsync(cancellationToken);
    }

    /// <summary>Starts the answer at the first byte written, and drops the bytes.</summary>
    private sealed class DiscardingStream(IHttpResponseBodyFeature server) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!buffer.IsEmpty) server.StartAsync().GetAwaiter().GetResult();
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            buffer.IsEmpty ? ValueTask.CompletedTask : new ValueTask(server.StartAsync(cancellationToken));
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
