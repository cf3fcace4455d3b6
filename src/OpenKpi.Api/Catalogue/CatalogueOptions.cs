namespace OpenKpi.Api.Catalogue;

/// <summary>Where the catalogue's seeds and database live (section "Catalogue").</summary>
public sealed class CatalogueOptions
{
    public const string Section = "Catalogue";

    /// <summary>The seeds folder; when empty, the nearest "seeds" folder above the app is used.</summary>
    public string? SeedDirectory { get; set; }

    /// <summary>The LiteDB file; when empty, data/openkpi.db beside the seeds folder.</summary>
    public string? DatabasePath { get; set; }

    public string ResolveSeedDirectory(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(SeedDirectory)) return Path.GetFullPath(SeedDirectory, contentRoot);
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "seeds");
                if (File.Exists(Path.Combine(candidate, "documents.json"))) return candidate;
            }
        }
        return Path.Combine(contentRoot, "seeds");
    }

    public string ResolveDatabasePath(string contentRoot) =>
        !string.IsNullOrWhiteSpace(DatabasePath)
            ? Path.GetFullPath(DatabasePath, contentRoot)
            : Path.Combine(Path.GetDirectoryName(ResolveSeedDirectory(contentRoot))!, "data", "openkpi.db");
}
