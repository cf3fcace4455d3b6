using System.Text.Json.Nodes;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>The reference lists of seeds/ (indicators, agencies) and every record of every seed file, read as plain JSON.</summary>
public static class ReferenceLists
{
    public static IReadOnlyDictionary<string, JsonObject> Indicators { get; } = ReadArray("indicators.json").ToDictionary(i => (string)i["id"]!);

    /// <summary>Every agency, with the file it is kept in (one per province, or per document that names none).</summary>
    public static IReadOnlyList<(string File, JsonObject Agency)> Agencies { get; } =
        Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "agencies"), "*.json").Order(StringComparer.Ordinal)
            .SelectMany(file => JsonNode.Parse(File.ReadAllText(file))!.AsArray().Select(a => (Path.GetFileName(file), a!.AsObject())))
            .ToList();

    public static JsonObject Agency(string id) => Agencies.Single(a => (string)a.Agency["id"]! == id).Agency;

    /// <summary>Every object of every seed file that has an id (records, rows, reference entries), with the file it is in.</summary>
    public static IReadOnlyList<(string File, JsonObject Record)> Records { get; } =
        Directory.GetFiles(RepositoryPaths.Seeds, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .SelectMany(file => Objects(JsonNode.Parse(File.ReadAllText(file))).Select(o => (Path.GetRelativePath(RepositoryPaths.Seeds, file), o)))
            .Where(r => r.Item2["id"] is JsonValue)
            .ToList();

    private static IEnumerable<JsonObject> ReadArray(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, file)))!.AsArray().Select(n => n!.AsObject());

    private static IEnumerable<JsonObject> Objects(JsonNode? node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.SelectMany(p => Objects(p.Value))),
        JsonArray a => a.SelectMany(Objects),
        _ => [],
    };
}
