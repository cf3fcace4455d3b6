using OpenKpi.Domain.Generation;
using OpenKpi.Domain.Seeding;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Domain.Tests.Generation;

public sealed class NationalDatasetGeneratorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "openkpi-generated-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void TheGeneratedSeedsImportWithEveryTargetAsked()
    {
        var real = SeedImporter.Load(RepositoryPaths.Seeds);
        var written = NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("a"), 2500, seed: 7);

        var data = SeedImporter.Load(Folder("a"));
        var synthetic = data.Targets.Where(t => t.DocumentId.StartsWith("synthetic-", StringComparison.Ordinal)).ToList();

        Assert.Equal(2500, written);
        Assert.Equal(2500, synthetic.Count);
        Assert.Equal(real.Targets.Select(t => t.Id), data.Targets.Where(t => !synthetic.Contains(t)).Select(t => t.Id));
        Assert.Equal(real.CatalogueEntries.Count, data.CatalogueEntries.Count);
        var syntheticProvinces = data.Provinces.Where(p => !real.Provinces.Any(r => r.Id == p.Id)).ToList();
        Assert.Equal(NationalDatasetGenerator.Provinces, syntheticProvinces.Count);
        Assert.All(syntheticProvinces, p => Assert.Contains("Synthetic", p.NameEn));
        Assert.All(synthetic, t => Assert.Contains(t.ProvinceId, syntheticProvinces.Select(p => p.Id)));
        Assert.Equal(real.Indicators.Count, data.Indicators.Count);
        Assert.All(synthetic, t => Assert.Equal(TargetValueParser.Parse(t.RawValue).Comparator, t.Comparator));
        Assert.True(synthetic.Select(t => t.Comparator).Distinct().Count() >= 5, "the comparators should vary as in the real documents");
    }

    [Fact]
    public void ADecadeOfEveryIndicatorInEveryProvinceAndMoreTargetsAsMorePlans()
    {
        var indicators = SeedImporter.Load(RepositoryPaths.Seeds).Indicators.Count;
        var decade = NationalDatasetGenerator.Provinces * NationalDatasetGenerator.Years * indicators;
        NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("a"), decade + 10, seed: 1);

        var synthetic = SeedImporter.Load(Folder("a")).Targets.Where(t => t.DocumentId.StartsWith("synthetic-", StringComparison.Ordinal)).ToList();

        Assert.Equal(Enumerable.Range(NationalDatasetGenerator.FirstYear, NationalDatasetGenerator.Years), synthetic.Select(t => t.Year).Distinct().Order());
        Assert.Equal(decade + 10, synthetic.Count);
        Assert.Equal(NationalDatasetGenerator.Years, synthetic.Where(t => t.ProvinceId == "VN-W0" && t.IndicatorId == "doctors-per-10000-population").Select(t => t.Year).Distinct().Count());
    }

    [Fact]
    public void AFolderThatIsNotAGeneratedDatasetIsNeverReplaced()
    {
        Directory.CreateDirectory(Folder("mine"));
        File.WriteAllText(Path.Combine(Folder("mine"), "notes.txt"), "keep me");

        Assert.Throws<IOException>(() => NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("mine"), 10, seed: 1));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(Folder("mine"), "notes.txt")));
    }

    [Fact]
    public void TheSameSeedGivesTheSameDatasetAndAnotherSeedAnother()
    {
        NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("a"), 1200, seed: 3);
        NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("b"), 1200, seed: 3);
        NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("c"), 1200, seed: 4);

        Assert.Equal(SeedImporter.Load(Folder("a")).Dataset.Version, SeedImporter.Load(Folder("b")).Dataset.Version);
        Assert.NotEqual(SeedImporter.Load(Folder("a")).Dataset.Version, SeedImporter.Load(Folder("c")).Dataset.Version);
    }

    private string Folder(string name) => Path.Combine(_root, name);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
