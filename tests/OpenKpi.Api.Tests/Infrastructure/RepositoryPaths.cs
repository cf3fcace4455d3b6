using System.Text.Json.Nodes;

namespace OpenKpi.Api.Tests.Infrastructure;

/// <summary>The repository's folders, found from the test binaries upwards, and its seed files read as plain JSON.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();
    public static string Seeds => Path.Combine(Root, "seeds");
    public static string OpenApiDocument => Path.Combine(Root, "openapi", "v1.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpenKpi.sln"))) return dir.FullName;
        throw new InvalidOperationException("OpenKpi.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Expectations computed from seeds/, read independently of the importer.</summary>
public static class SeedFiles
{
    public static JsonArray Array(string relative) => JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, relative)))!.AsArray();

    public static IEnumerable<JsonObject> Records(string relative) => Array(relative).Select(n => n!.AsObject());

    /// <summary>Every row of every table in seeds/targets or seeds/catalogue, with its document id.</summary>
    public static List<(string DocumentId, JsonObject Row)> Rows(string folder) =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, folder), "*.json")
            .Select(file => JsonNode.Parse(File.ReadAllText(file))!)
            .SelectMany(table => table["rows"]!.AsArray().Select(row => ((string)table["documentId"]!, row!.AsObject())))
            .ToList();

    public static List<(string DocumentId, JsonObject Row)> TargetRows => Rows("targets");
    public static List<(string DocumentId, JsonObject Row)> CatalogueRows => Rows("catalogue");

    public static IEnumerable<JsonObject> Agencies =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "agencies"), "*.json").SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!.AsArray().Select(n => n!.AsObject()));
}
