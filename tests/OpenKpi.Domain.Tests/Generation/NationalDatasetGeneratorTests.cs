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
        var written = NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, Folder("a"), 2500, seed: 7);

        var data = SeedImporter.Load(Folder("a"));

        Assert.Equal(2500, written);
        Assert.Equal(2500, data.Targets.Count);
        Assert.Equal(NationalDatasetGenerator.Provinces, data.Provinces.Count);
        Assert.All(data.Provinces, p => Assert.Contains("Synthetic", p.NameEn));
        Assert.Equal(SeedImporter.Load(RepositoryPaths.Seeds).Indicators.Count, data.Indicators.Count);
        Assert.All(data.Targets, t => Assert.Equal(TargetValueParser.Parse(t.RawValue).Comparator, t.Comparator));
        Assert.True(data.Targets.Select(t => t.Comparator).Distinct().Count() >= 5, "the comparators should vary as in the real documents");
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
