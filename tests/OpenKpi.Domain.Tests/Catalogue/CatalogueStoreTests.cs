using LiteDB;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Tests.Catalogue;

/// <summary>The database file gives back exactly the records written into it, from its image, the only copy of them.</summary>
public sealed class CatalogueStoreTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"openkpi-store-{Guid.NewGuid():N}.db");

    [Fact]
    public void TheImageGivesBackEveryRecordAsWrittenInTheOrderWritten()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);

        var read = CatalogueStore.Read(_path);

        // The dataset record as written, with the length and hash of the image file beside it.
        Assert.Equal(new FileInfo(CatalogueStore.ImagePath(_path)).Length, read.Dataset.ImageLength);
        Assert.Matches("^[0-9a-f]{16}$", read.Dataset.ImageChecksum);
        Assert.Equal(Json(written with { Dataset = written.Dataset with { ImageLength = read.Dataset.ImageLength, ImageChecksum = read.Dataset.ImageChecksum } }), Json(read));
    }

    [Fact]
    public void TheDatabaseKeepsTheDatasetAndRevisionLogAndTheRecordsAreOnlyInTheImageBesideIt()
    {
        var written = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, written);

        using (var db = new LiteDatabase(_path))
        {
            Assert.Equal(["_chunks", "_files", "dataset"], db.GetCollectionNames().Order(StringComparer.Ordinal));
            Assert.Equal([CatalogueStore.RevisionsId], db.GetCollection("_files").FindAll().Select(f => f["_id"].AsString));
        }
        using var image = new MemoryStream();
        CatalogueImage.Write(image, written);
        Assert.Equal(image.ToArray(), File.ReadAllBytes(CatalogueStore.ImagePath(_path)));
    }

    [Fact]
    public void AnImageOfAnotherLayoutIsNotOpened()
    {
        using var stale = new MemoryStream();
        using (var writer = new BinaryWriter(stale, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("OpenKpi.CatalogueImage/1");
            writer.Write("Target(Id:String)");   // an older shape of the entities
        }

        Assert.Null(CatalogueImage.Open(stale.ToArray()));
    }

    [Fact]
    public void ADatabaseWithoutItsImageIsNotRead()
    {
        CatalogueStore.Write(_path, SeedImporter.Load(RepositoryPaths.Seeds));
        File.Delete(CatalogueStore.ImagePath(_path));

        var error = Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Open(_path));

        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruncatedImageIsNotRead()
    {
        CatalogueStore.Write(_path, SeedImporter.Load(RepositoryPaths.Seeds));
        var image = CatalogueStore.ImagePath(_path);
        var length = new FileInfo(image).Length;
        using (var file = File.OpenWrite(image)) file.SetLength(length / 2);

        var error = Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Open(_path));

        Assert.Contains($"holds {length / 2} bytes where the database records {length}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImageOfTheSameLengthButOtherBytesIsNotRead()
    {
        var data = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, data);
        var image = CatalogueStore.ImagePath(_path);
        var bytes = File.ReadAllBytes(image);
        bytes[^1] ^= 0x01;   // one bit of the last target changed, as a damaged disk or another write of the same length would
        File.WriteAllBytes(image, bytes);

        var error = Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Open(_path));

        Assert.Contains("is not the one the database was written with", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheImageOfAnotherDatabaseIsNotRead()
    {
        var data = SeedImporter.Load(RepositoryPaths.Seeds);
        CatalogueStore.Write(_path, data);
        var other = Path.ChangeExtension(_path, ".other.db");
        try
        {
            CatalogueStore.Write(other, data with { Targets = data.Targets.Skip(1).ToList() });
            File.Copy(CatalogueStore.ImagePath(other), CatalogueStore.ImagePath(_path), overwrite: true);

            Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Open(_path));
        }
        finally
        {
            foreach (var file in new[] { other, CatalogueStore.ImagePath(other) }) File.Delete(file);
        }
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

    [Fact]
    public void AnImageOfManyBlocksGivesBackEveryTargetAsWrittenInTheOrderWritten()
    {
        var written = Many(SeedImporter.Load(RepositoryPaths.Seeds), targets: 100_000);
        CatalogueStore.Write(_path, written);

        var read = CatalogueStore.Read(_path);

        Assert.Equal(written.Targets.Count, read.Targets.Count);
        for (var i = 0; i < written.Targets.Count; i++)
            Assert.Equal(Json(written.Targets[i]), Json(read.Targets[i]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_000)]
    public void TargetsReadLinkedAreLinkedAsTheSeedsSnapshotLinksThem(int targets)
    {
        var seeds = SeedImporter.Load(RepositoryPaths.Seeds);
        var written = targets == 0 ? seeds : Many(seeds, targets);
        CatalogueStore.Write(_path, written);
        var expected = new CatalogueSnapshot(written);

        var linked = CatalogueStore.Open(_path).Link();

        Assert.Equal(expected.Targets.Select(Links), linked.Targets.Select(Links));
        foreach (var target in linked.Targets)
        {
            // The navigations are the snapshot's own records, which list the target in turn.
            Assert.Same(linked.DocumentsById[target.DocumentId], target.Document);
            if (target.IndicatorId is not null) Assert.Same(linked.IndicatorsById[target.IndicatorId], target.Indicator);
            if (target.ProvinceId is not null) Assert.Same(linked.ProvincesById[target.ProvinceId], target.Province);
            if (target.UnitId is not null) Assert.Same(linked.UnitsById[target.UnitId], target.Unit);
            Assert.All(target.LeadAgencies.Concat(target.CoordinatingAgencies), agency => Assert.Same(linked.AgenciesById[agency.Id], agency));
        }
        foreach (var document in linked.Documents)
            Assert.True(linked.Targets.Where(t => t.DocumentId == document.Id).SequenceEqual(document.Targets, ReferenceEqualityComparer.Instance));
    }

    // A target's stored fields and the keys of every record it links to.
    private static string Links(OpenKpi.Domain.Entities.Target t) => string.Join("|", Json(t), t.Indicator?.Id, t.Province?.Id, t.Document?.Id, t.Unit?.Id,
        t.LeadAgency?.Id, string.Join(",", t.LeadAgencies.Select(a => a.Id)), string.Join(",", t.CoordinatingAgencies.Select(a => a.Id)));

    // The seeds' targets repeated under new keys until there are as many as asked: more than one block of the image.
    private static CatalogueData Many(CatalogueData data, int targets) => data with
    {
        Targets = Enumerable.Range(0, targets).Select(i => data.Targets[i % data.Targets.Count] is var t
            ? t with { Id = $"{t.Id}-{i / data.Targets.Count}", SourceOrder = t.SourceOrder + 1_000_000 * (i / data.Targets.Count) }
            : null!).ToList(),
    };

    private static string Json(OpenKpi.Domain.Entities.Target target) => System.Text.Json.JsonSerializer.Serialize(target, CatalogueJson.Options);

    // Records as JSON: every stored property, arrays by content, in the order of each list.
    private static string Json(CatalogueData data) => System.Text.Json.JsonSerializer.Serialize(data);

    public void Dispose()
    {
        foreach (var file in new[] { _path, CatalogueStore.ImagePath(_path) })
            if (File.Exists(file)) File.Delete(file);
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
