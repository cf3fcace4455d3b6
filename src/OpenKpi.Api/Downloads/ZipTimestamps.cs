using System.Buffers.Binary;

namespace OpenKpi.Api.Downloads;

/// <summary>
/// Sets every entry's modification time in a written zip (its local and central headers), so that a file built from
/// the same dataset is the same bytes whenever it is built: ZipArchive stamps entries with the clock, and the
/// downloads' strong ETag and SHA-256 promise the same bytes for a dataset version (an XLSX is a zip whose entries
/// SpreadCheetah creates without a time of ours).
/// </summary>
public static class ZipTimestamps
{
    public static void Set(Stream zip, DateTime stamp)
    {
        var (time, date) = ((ushort)((stamp.Hour << 11) | (stamp.Minute << 5) | (stamp.Second / 2)), (ushort)(((stamp.Year - 1980) << 9) | (stamp.Month << 5) | stamp.Day));
        // The end-of-central-directory record: 22 bytes, last in a zip written without a comment.
        var end = Read(zip, zip.Length - 22, 22);
        if (BinaryPrimitives.ReadUInt32LittleEndian(end) != 0x06054b50) throw new InvalidDataException("The zip ends with a comment or is not a zip.");
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(10));
        long at = BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(16));
        for (var i = 0; i < entries; i++)
        {
            var central = Read(zip, at, 46);
            if (BinaryPrimitives.ReadUInt32LittleEndian(central) != 0x02014b50) throw new InvalidDataException("A central directory header is not where the zip says.");
            Stamp(zip, at + 12, time, date);
            long local = BinaryPrimitives.ReadUInt32LittleEndian(central.AsSpan(42));
            if (BinaryPrimitives.ReadUInt32LittleEndian(Read(zip, local, 4)) != 0x04034b50) throw new InvalidDataException("A local header is not where the zip says.");
            Stamp(zip, local + 10, time, date);
            at += 46 + BinaryPrimitives.ReadUInt16LittleEndian(central.AsSpan(28)) + BinaryPrimitives.ReadUInt16LittleEndian(central.AsSpan(30)) + BinaryPrimitives.ReadUInt16LittleEndian(central.AsSpan(32));
        }
        zip.Flush();
    }

    private static byte[] Read(Stream zip, long position, int count)
    {
        var bytes = new byte[count];
        zip.Position = position;
        zip.ReadExactly(bytes);
        return bytes;
    }

    private static void Stamp(Stream zip, long position, ushort time, ushort date)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(field, time);
        BinaryPrimitives.WriteUInt16LittleEndian(field[2..], date);
        zip.Position = position;
        zip.Write(field);
    }
}
