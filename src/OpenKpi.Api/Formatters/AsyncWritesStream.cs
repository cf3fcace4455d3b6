namespace OpenKpi.Api.Formatters;

/// <summary>
/// A response body for a writer that mixes in a few synchronous writes: ZipArchive writes an entry's data descriptor
/// with Write when its stream is not seekable, which Kestrel refuses. Those bytes wait here, in order, and go out
/// asynchronously before the next asynchronous write or in <see cref="FlushAsync(CancellationToken)"/>.
/// </summary>
internal sealed class AsyncWritesStream(Stream inner) : WriteOnlyStream
{
    private readonly MemoryStream _pending = new();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _pending.Write(buffer);
        Written += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await WritePendingAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
        Written += buffer.Length;
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await WritePendingAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    // What is written synchronously is kept until the next asynchronous call: a flush here would be a blocking write.
    public override void Flush() { }

    private async Task WritePendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0) return;
        await inner.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
        _pending.SetLength(0);
    }
}
