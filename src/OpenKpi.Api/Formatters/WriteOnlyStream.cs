namespace OpenKpi.Api.Formatters;

/// <summary>
/// A stream that is only written, front to back, counting what it was given (its <see cref="Position"/>, which
/// ZipArchive reads): the base of the streams the XLSX writer puts between its zip and the response body.
/// </summary>
internal abstract class WriteOnlyStream : Stream
{
    /// <summary>The bytes written through this stream so far.</summary>
    protected long Written { get; set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
