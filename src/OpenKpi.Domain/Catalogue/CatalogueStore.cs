using System.Globalization;
using LiteDB;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The catalogue's store: a LiteDB file holding the dataset record (seed version, fingerprint, schema, and the length and hash
/// of the image) and the revision log, and beside it the records' image (<see cref="CatalogueImage"/>) in a file of its own,
/// read with one read at start-up. Both are written whole into temporary files and moved into place, the image first, so
/// readers only ever see a complete pair or one whose image does not match its database, which is not read.
/// </summary>
public static class CatalogueStore
{
    // The image alone, no record collections: at 1,000,000 targets 153 MB read in 3-5 s, where the collections added 730 MB and took 22 s to read (README, "The database file").
    private const string DatasetCollection = "dataset";
    /// <summary>The LiteDB file-storage id of the revision log (see <see cref="Revisions.RevisionLog"/>).</summary>
    public const string RevisionsId = "revision-log";

    /// <summary>
    /// The records' image beside the database at <paramref name="database"/>: a file of its own, not LiteDB file storage, whose
    /// ~600 chunks at a million targets were found by query and copied (half a second of a start-up, and 200 MB of arrays).
    /// </summary>
    public static string ImagePath(string database) => database + ".image";

    public static void Write(string path, CatalogueData data)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var temporaryImage = ImagePath(temporary);
        try
        {
            var dataset = WriteImage(temporaryImage, data);
            using (var db = Create(temporary))
            {
                using (var log = new MemoryStream(Revisions.RevisionLog.Serialize(data.Revisions)))
                    db.FileStorage.Upload(RevisionsId, RevisionsId + ".json", log);
                db.GetCollection<DatasetInfo>(DatasetCollection).Insert(dataset);
                db.Checkpoint();
            }
            // The image first: a stop between the two moves leaves the old database beside a new image, whose hash it does not record.
            File.Move(temporaryImage, ImagePath(path), overwrite: true);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // A failed write leaves nothing behind: neither the half-written files nor LiteDB's log beside them.
            var log = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(temporary)}-log{Path.GetExtension(temporary)}");
            foreach (var leftover in new[] { temporary, temporaryImage, log })
                if (File.Exists(leftover)) File.Delete(leftover);
        }
    }

    // The image written to its file; the dataset record as it is stored beside it, with the image's length and hash.
    private static DatasetInfo WriteImage(string path, CatalogueData data)
    {
        using var image = new MemoryStream();
        CatalogueImage.Write(image, data);
        var bytes = image.GetBuffer().AsSpan(0, (int)image.Length);
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        return data.Dataset with { ImageLength = bytes.Length, ImageChecksum = Checksum(bytes) };
    }

    // XXH3: a mismatched or damaged image found at ~10 GB/s, where SHA-256 would add a tenth of a second to a million targets' start-up.
    private static string Checksum(ReadOnlySpan<byte> image) => System.IO.Hashing.XxHash3.HashToUInt64(image).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads the whole file. Throws <see cref="CatalogueStoreException"/> when it is unreadable, of another schema or its image of another layout.</summary>
    public static CatalogueData Read(string path) => Open(path).Records();

    /// <summary>
    /// Reads the file's dataset record, revision log and image, leaving the image's records to be decoded by what is asked of it.
    /// Throws <see cref="CatalogueStoreException"/> when it is unreadable, of another schema or its image of another layout.
    /// </summary>
    public static StoredCatalogue Open(string path)
    {
        try
        {
            // Through a read-only stream: LiteDB cannot change the file, even one it fails to understand.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var db = new LiteDatabase(file, Mapper);
            var dataset = db.GetCollection<DatasetInfo>(DatasetCollection).FindById("dataset")
                ?? throw new CatalogueStoreException($"{path} holds no dataset record");
            if (dataset.Schema != DatasetInfo.CurrentSchema)
                throw new CatalogueStoreException($"{path} has schema {dataset.Schema}, expected {DatasetInfo.CurrentSchema}");
            var image = OpenImage(ImagePath(path), dataset) ?? throw new CatalogueStoreException($"{path} holds records of another layout (fingerprint {dataset.Fingerprint})");
            return new StoredCatalogue(dataset, image, ReadRevisions(db));
        }
        catch (Exception e) when (e is not CatalogueStoreException and not OutOfMemoryException)
        {
            // LiteDB fails on a damaged file in many ways (LiteException, IOException, NotSupportedException …).
            throw new CatalogueStoreException($"{path} is not a readable catalogue: {e.Message}", e);
        }
    }

    /// <summary>The image beside the database, opened, or null when it was written for another layout.</summary>
    private static CatalogueImage.Contents? OpenImage(string path, DatasetInfo dataset)
    {
        if (!File.Exists(path)) throw new CatalogueStoreException($"its image of the records, {path}, is missing");
        using var file = File.OpenHandle(path);
        var length = RandomAccess.GetLength(file);
        if (length != dataset.ImageLength)
            throw new CatalogueStoreException($"its image of the records, {path}, holds {length} bytes where the database records {dataset.ImageLength}");
        // Into an array of its size, which the image's blocks are decoded from side by side.
        var image = GC.AllocateUninitializedArray<byte>(checked((int)length));
        for (int at = 0, read; at < image.Length; at += read)
            if ((read = RandomAccess.Read(file, image.AsSpan(at), at)) == 0) throw new CatalogueStoreException($"{path} ends before its length");
        if (Checksum(image) != dataset.ImageChecksum)
            throw new CatalogueStoreException($"its image of the records, {path}, is not the one the database was written with (another write, or damaged)");
        return CatalogueImage.Open(image);
    }

    private static IReadOnlyList<Revisions.RevisionFile> ReadRevisions(LiteDatabase db)
    {
        if (!db.FileStorage.Exists(RevisionsId)) throw new CatalogueStoreException("the file holds no revision log");
        using var log = new MemoryStream();
        db.FileStorage.Download(RevisionsId, log);
        log.Position = 0;
        return Revisions.RevisionLog.Deserialize(log);
    }

    private static LiteDatabase Create(string path) =>
        new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, Mapper);

    private static readonly BsonMapper Mapper = CreateMapper();

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { SerializeNullValues = false, TrimWhitespace = false, EmptyStringToNull = false };
        // A BSON date holds milliseconds and comes back as local time; the round-trip text keeps every tick and the UTC kind.
        mapper.RegisterType<DateTime>(
            time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            bson => bson.IsDateTime ? bson.AsDateTime.ToUniversalTime() : DateTime.ParseExact(bson.AsString, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        return mapper;
    }
}

/// <summary>A database file as read: its dataset record, and its records, plain or linked into the snapshot.</summary>
public sealed class StoredCatalogue(DatasetInfo dataset, CatalogueImage.Contents image, IReadOnlyList<Revisions.RevisionFile> revisions)
{
    public DatasetInfo Dataset => dataset;

    /// <summary>Every record, none linked.</summary>
    public CatalogueData Records() => image.Records(dataset) with { Revisions = revisions };

    /// <summary>The records linked into the snapshot, each target decoded once, linked.</summary>
    public CatalogueSnapshot Link() => new(image.Records(dataset, targets: false) with { Revisions = revisions }, image.Rows);
}

/// <summary>The database file cannot be used: missing records, another schema or layout, or corrupt.</summary>
public sealed class CatalogueStoreException(string message, Exception? inner = null) : Exception(message, inner);
