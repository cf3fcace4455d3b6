using System.Globalization;
using LiteDB;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The LiteDB file behind the catalogue. It is written whole into a temporary file and moved into
/// place, so readers only ever see a complete database; it is read once, at start-up.
/// </summary>
public static class CatalogueStore
{
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
            using (var db = Open(temporary))
            {
                Insert(db, data.Provinces);
                Insert(db, data.Documents);
                Insert(db, data.Groups);
                Insert(db, data.Units);
                Insert(db, data.Frequencies);
                Insert(db, data.Agencies);
                Insert(db, data.Indicators);
                Insert(db, data.Targets);
                Insert(db, data.CatalogueEntries);
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

    /// <summary>Reads the whole file. Throws <see cref="CatalogueStoreException"/> when it is unreadable or of another schema.</summary>
    public static CatalogueData Read(string path)
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
            var revisions = ReadRevisions(db);
            if (ReadImage(db, dataset) is { } image) return image with { Revisions = revisions };
            return new CatalogueData
            {
                Revisions = revisions,
                Dataset = dataset,
                Provinces = All<Province>(db),
                Documents = All<Document>(db),
                Groups = All<Group>(db),
                Units = All<Unit>(db),
                Frequencies = All<Frequency>(db),
                Agencies = All<Agency>(db),
                Indicators = All<Indicator>(db),
                Targets = All<Target>(db),
                CatalogueEntries = All<CatalogueEntry>(db),
            };
        }
        catch (Exception e) when (e is not CatalogueStoreException and not OutOfMemoryException)
        {
            // LiteDB fails on a damaged file in many ways (LiteException, IOException, NotSupportedException …).
            throw new CatalogueStoreException($"{path} is not a readable catalogue: {e.Message}", e);
        }
    }

    /// <summary>The records from the file's image, or null when it has none of the current layout (the collections are read instead).</summary>
    private static CatalogueData? ReadImage(LiteDatabase db, DatasetInfo dataset)
    {
        if (!db.FileStorage.Exists(ImageId)) return null;
        using var image = new MemoryStream();
        db.FileStorage.Download(ImageId, image);
        image.Position = 0;
        return CatalogueImage.Read(image, dataset);
    }

    private static IReadOnlyList<Revisions.RevisionFile> ReadRevisions(LiteDatabase db)
    {
        if (!db.FileStorage.Exists(RevisionsId)) throw new CatalogueStoreException("the file holds no revision log");
        using var log = new MemoryStream();
        db.FileStorage.Download(RevisionsId, log);
        log.Position = 0;
        return Revisions.RevisionLog.Deserialize(log);
    }

    private static LiteDatabase Open(string path) =>
        new(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }, Mapper);

    private static void Insert<T>(LiteDatabase db, IReadOnlyList<T> records) => db.GetCollection<T>(Name<T>()).InsertBulk(records);

    private static List<T> All<T>(LiteDatabase db) => db.GetCollection<T>(Name<T>()).FindAll().ToList();

    private static string Name<T>() => typeof(T).Name.ToLowerInvariant();

    private static readonly BsonMapper Mapper = CreateMapper();

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EnumAsInteger = false, SerializeNullValues = false, TrimWhitespace = false, EmptyStringToNull = false };
        mapper.RegisterType<DateOnly>(date => date.ToString("yyyy-MM-dd"), bson => DateOnly.ParseExact(bson.AsString, "yyyy-MM-dd"));
        // A BSON date holds milliseconds and comes back as local time; the round-trip text keeps every tick and the UTC kind.
        mapper.RegisterType<DateTime>(
            time => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            bson => bson.IsDateTime ? bson.AsDateTime.ToUniversalTime() : DateTime.ParseExact(bson.AsString, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        return mapper;
    }
}

/// <summary>The database file cannot be used: missing records, another schema, or corrupt.</summary>
public sealed class CatalogueStoreException(string message, Exception? inner = null) : Exception(message, inner);
