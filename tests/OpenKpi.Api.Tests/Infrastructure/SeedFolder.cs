namespace OpenKpi.Api.Tests.Infrastructure;

/// <summary>A private copy of seeds/ beside an empty data/ folder, for tests that break seeds or databases; deleted afterwards.</summary>
public sealed class SeedFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "openkpi-" + Guid.NewGuid().ToString("N"));
    public string Seeds => Path.Combine(Root, "seeds");
    public string Database => Path.Combine(Root, "data", "openkpi.db");

    public SeedFolder()
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Seeds, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Seeds, Path.GetRelativePath(RepositoryPaths.Seeds, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Database)!);
    }

    /// <summary>Dates every seed file an hour back, as seeds that were not just copied are: old enough for a database to record their stamp.</summary>
    public void Settle()
    {
        foreach (var file in Directory.GetFiles(Seeds, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
    }

    /// <summary>Points the doctors indicator at a unit that does not exist: one validation error, in indicators.json.</summary>
    public void BreakIndicatorUnit()
    {
        var path = Path.Combine(Seeds, "indicators.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"unitId\": \"doctor\"", "\"unitId\": \"medic\"", StringComparison.Ordinal));
    }

    /// <summary>Publishes the folder's seeds, as they are now, as the next revision (what `revise` does): a changed seed is served only then.</summary>
    public void PublishRevision(string summary = "A change made by a test.")
    {
        var (data, _) = OpenKpi.Domain.Seeding.SeedImporter.LoadUnpublished(Seeds);
        var revision = OpenKpi.Domain.Revisions.RevisionLog.Next(data.Revisions, data, summary, new DateOnly(2026, 12, 1))
            ?? throw new InvalidOperationException("Nothing changed to publish.");
        OpenKpi.Domain.Revisions.RevisionLog.Write(Seeds, revision);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
