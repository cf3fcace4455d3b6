using System.Buffers.Binary;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// A stream that dates every entry of the zip written through it (its local and central headers) with a stamp of ours,
/// so that the same table of the same dataset is the same bytes whenever it is written: ZipArchive stamps the entries
/// SpreadCheetah creates with the clock, and the answers' strong ETag and the downloads' SHA-256 promise the same bytes
/// for a dataset version. ZipArchive writes each header in one call (30 bytes local, 46 central) where the zip's
/// structure puts it: at the start, after an entry's data descriptor, after the previous central record.
/// </summary>
internal sealed class ZipTimestamps(Stream inner, DateTime stamp) : WriteOnlyStream
{
    private readonly ushort _time = (ushort)((stamp.Hour << 11) | (stamp.Minute << 5) | (stamp.Second / 2));
    private readonly ushort _date = (ushort)(((stamp.Year - 1980) << 9) | (stamp.Month << 5) | stamp.Day);
    private long _headerAt;   // where the next header may start
    private bool _inData;     // between a local header and its entry's data descriptor

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Stamped(buffer) is { } stamped) inner.Write(stamped);
        else inner.Write(buffer);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(Stamped(buffer.Span) is { } stamped ? stamped : buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    // The header this write is, restamped; null for any other write.
    private byte[]? Stamped(ReadOnlySpan<byte> buffer)
    {
        var at = Written;
        Written += buffer.Length;
        if (buffer.Length < 4) return null;
        var signature = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        if (_inData)
        {
            // An entry's data ends with its descriptor (streamed entries have one); a header comes next.
            if (signature == 0x08074b50 && buffer.Length is 16 or 24) (_inData, _headerAt) = (false, Written);
            return null;
        }
        if (at != _headerAt) return null;
        int field;
        if (signature == 0x04034b50 && buffer.Length == 30) (field, _inData) = (10, true);
        else if (signature == 0x02014b50 && buffer.Length == 46)
        {
            field = 12;
            _headerAt = Written + BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]) + BinaryPrimitives.ReadUInt16LittleEndian(buffer[30..])
                + BinaryPrimitives.ReadUInt16LittleEndian(buffer[32..]);
        }
        else return null;
        var bytes = buffer.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(field), _time);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(field + 2), _date);
        return bytes;
    }
}
