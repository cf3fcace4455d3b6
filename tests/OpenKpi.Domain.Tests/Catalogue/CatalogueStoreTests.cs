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

        Assert.Equal(Json(written), Json(read));
    }

    [Fact]
    public void TheFileKeepsTheRecordsOnlyInTheImage()
    {
        CatalogueStore.Write(_path, SeedImporter.Load(RepositoryPaths.Seeds));

        using var db = new LiteDatabase(_path);

        Assert.Equal(["_chunks", "_files", "dataset"], db.GetCollectionNames().Order(StringComparer.Ordinal));
        Assert.Equal([CatalogueStore.ImageId, CatalogueStore.RevisionsId], db.GetCollection("_files").FindAll().Select(f => f["_id"].AsString).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AFileWhoseImageHasAnotherLayoutIsNotRead()
    {
        CatalogueStore.Write(_path, SeedImporter.Load(RepositoryPaths.Seeds));
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

        var error = Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Read(_path));

        Assert.Contains("another layout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileWithoutAnImageIsNotRead()
    {
        CatalogueStore.Write(_path, SeedImporter.Load(RepositoryPaths.Seeds));
        using (var db = new LiteDatabase(_path)) db.FileStorage.Delete(CatalogueStore.ImageId);

        var error = Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Read(_path));

        Assert.Contains("no image", error.Message, StringComparison.Ordinal);
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
