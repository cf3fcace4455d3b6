using LiteDB;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Tests.Catalogue;

/// <summary>The database file gives back exactly the records written into it, by its image or by its collections.</summary>
public sealed class CatalogueStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"openkpi-store-{Guid.NewGuid():N}.db");

    [Fact]
    public void TheImageGivesBackEveryRecordAsWritten()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);

        var read = CatalogueStore.Read(_path);

        Assert.Equal(Json(written), Json(read));
    }

    [Fact]
    public void TheImageIsWhatStartUpReads()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);
        using (var db = new LiteDatabase(_path)) db.DropCollection("target");

        Assert.Equal(written.Targets.Count, CatalogueStore.Read(_path).Targets.Count);
    }

    [Fact]
    public void AFileWhoseImageHasAnotherLayoutIsReadFromItsCollections()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);
        using (var db = new LiteDatabase(_path))
        {
            db.FileStorage.Delete(CatalogueStore.ImageId);
            using var stale = new MemoryStream();
            using (var writer = new BinaryWriter(stale, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                writer.Write("OpenKpi.CatalogueImage/1");
                writer.Write("Target(Id:String)");   // an older shape of the entities
            }
            stale.Position = 0;
            db.FileStorage.Upload(CatalogueStore.ImageId, "image.bin", stale);
        }

        var read = CatalogueStore.Read(_path);

        Assert.Equal(Json(written), Json(read));
    }

    [Fact]
    public void TheImageStoresEachDistinctStringOnce()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);

        var read = CatalogueStore.Read(_path);
        var units = read.Targets.Where(t => t.PublishedUnit == "%").Select(t => t.PublishedUnit).ToList();

        Assert.True(units.Count > 1);
        Assert.All(units, unit => Assert.Same(units[0], unit));
    }

    // Records as JSON: every stored property, arrays by content; collections in key order (LiteDB reads them so).
    private static string Json(CatalogueData data) => System.Text.Json.JsonSerializer.Serialize(data with
    {
        Dataset = data.Dataset with { ImportedAtUtc = default },
        Provinces = [.. data.Provinces.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Documents = [.. data.Documents.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Groups = [.. data.Groups.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Units = [.. data.Units.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Frequencies = [.. data.Frequencies.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Agencies = [.. data.Agencies.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Indicators = [.. data.Indicators.OrderBy(r => r.Id, StringComparer.Ordinal)],
        Targets = [.. data.Targets.OrderBy(r => r.Id, StringComparer.Ordinal)],
        CatalogueEntries = [.. data.CatalogueEntries.OrderBy(r => r.Id, StringComparer.Ordinal)],
    });

    public void Dispose()
    {
        if (File.Exists(_path)) File.Delete(_path);
    }
}

/// <summary>The image's layout names each stored property's type in full, so that a changed type or enum is a changed layout.</summary>
public sealed class CatalogueLayoutTests
{
    [Fact]
    public void TheLayoutNamesNullablesGenericArgumentsAndEveryEnumMemberWithItsNumber()
    {
        var layout = OpenKpi.Domain.Catalogue.CatalogueImage.Layout;

        Assert.Contains("Lower:System.Nullable`1<System.Decimal>", layout);
        Assert.Contains("SuccessorIds:System.String[]", layout);
        foreach (var member in Enum.GetValues<OpenKpi.Domain.Entities.Comparator>())
            Assert.Contains($"{member}={(int)member}", layout);
    }
}
