using System.Globalization;
using LiteDB;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The LiteDB file behind the catalogue: the dataset record (seed version, fingerprint, schema), the records' image
/// (<see cref="CatalogueImage"/>) and the revision log. It is written whole into a temporary file and moved into place,
/// so readers only ever see a complete database; it is read once, at start-up.
/// </summary>
public static class CatalogueStore
{
    // The image alone, no record collections: at 1,000,000 targets 153 MB read in 3-5 s, where the collections added 730 MB and took 22 s to read (README, "The database file").
    private const string DatasetCollection = "dataset";
    /// <summary>The LiteDB file-storage id of the records' image (see <see cref="CatalogueImage"/>).</summary>
    public const string ImageId = "catalogue-image";
    /// <summary>The LiteDB file-storage id of the revision log (see <see cref="Revisions.RevisionLog"/>).</summary>
    public const string RevisionsId = "revision-log";

    public static void Write(string path, CatalogueData data)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var db = Create(temporary))
            {
                using (var image = new MemoryStream())
                {
                    CatalogueImage.Write(image, data);
                    image.Position = 0;
                    db.FileStorage.Upload(ImageId, ImageId + ".bin", image);
                }
                using (var log = new MemoryStream(Revisions.RevisionLog.Serialize(data.Revisions)))
                    db.FileStorage.Upload(RevisionsId, RevisionsId + ".json", log);
                db.GetCollection<DatasetInfo>(DatasetCollection).Insert(data.Dataset);
                db.Checkpoint();
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // A failed write leaves nothing behind: neither the half-written file nor LiteDB's log beside it.
            var log = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(temporary)}-log{Path.GetExtension(temporary)}");
            foreach (var leftover in new[] { temporary, log })
                if (File.Exists(leftover)) File.Delete(leftover);
        }
    }

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
            var image = OpenImage(db) ?? throw new CatalogueStoreException($"{path} holds records of another layout (fingerprint {dataset.Fingerprint})");
            return new StoredCatalogue(dataset, image, ReadRevisions(db));
        }
        catch (Exception e) when (e is not CatalogueStoreException and not OutOfMemoryException)
        {
            // LiteDB fails on a damaged file in many ways (LiteException, IOException, NotSupportedException …).
            throw new CatalogueStoreException($"{path} is not a readable catalogue: {e.Message}", e);
        }
    }

    /// <summary>The file's image, opened, or null when it was written for another layout.</summary>
    private static CatalogueImage.Contents? OpenImage(LiteDatabase db)
    {
        var file = db.FileStorage.FindById(ImageId) ?? throw new CatalogueStoreException("the file holds no image of the records");
        // Into an array of its size, which the image's blocks are decoded from side by side. Through Read(byte[], …): LiteDB's
        // stream has no Read(Span), and Stream's own rents a pool array of the span's size (256 MB at a million targets, kept by the pool).
        var image = GC.AllocateUninitializedArray<byte>(checked((int)file.Length));
        using var stream = file.OpenRead();
        for (int at = 0, read; at < image.Length; at += read)
            if ((read = stream.Read(image, at, image.Length - at)) == 0) throw new CatalogueStoreException("the image ends before its length");
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
