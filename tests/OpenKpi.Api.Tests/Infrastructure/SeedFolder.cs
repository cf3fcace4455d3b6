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

    /// <summary>Points the doctors indicator at a unit that does not exist: one validation error, in indicators.json.</summary>
    public void BreakIndicatorUnit()
    {
        var path = Path.Combine(Seeds, "indicators.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"unitId\": \"doctor\"", "\"unitId\": \"medic\"", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
