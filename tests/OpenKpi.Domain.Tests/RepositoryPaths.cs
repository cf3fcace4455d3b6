namespace OpenKpi.Domain.Tests;

/// <summary>Where the repository's seeds are, found from the test binaries upwards.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();
    public static string Seeds => Path.Combine(Root, "seeds");
    public static string Sources => Path.Combine(Seeds, "sources");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpenKpi.sln"))) return dir.FullName;
        throw new InvalidOperationException("OpenKpi.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A private copy of seeds/ that a test may break, deleted afterwards.</summary>
public sealed class SeedCopy : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "openkpi-seeds-" + Guid.NewGuid().ToString("N"));
    public string DatabasePath => Path.Combine(Directory, "..", Path.GetFileName(Directory) + ".db");

    public SeedCopy()
    {
        foreach (var file in System.IO.Directory.GetFiles(RepositoryPaths.Seeds, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Directory, Path.GetRelativePath(RepositoryPaths.Seeds, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>Replaces the first occurrence of <paramref name="from"/> in a seed file, failing if it is absent.</summary>
    public void Replace(string relative, string from, string to)
    {
        var text = File.ReadAllText(PathOf(relative));
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' is not in {relative}");
        File.WriteAllText(PathOf(relative), text[..at] + to + text[(at + from.Length)..]);
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        foreach (var file in new[] { DatabasePath, OpenKpi.Domain.Catalogue.CatalogueStore.ImagePath(DatabasePath) })
            if (File.Exists(file)) File.Delete(file);
    }
}
