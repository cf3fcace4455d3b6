using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>The curated tables of seeds/, read as plain JSON (not through the importer), beside their source texts.</summary>
public static partial class CuratedTables
{
    public sealed record Table(string DocumentId, string SourceFile, string Kind, IReadOnlyList<JsonObject> Rows)
    {
        public string[] SourceLines => File.ReadAllLines(Path.Combine(RepositoryPaths.Sources, SourceFile));
        public string SourceText => File.ReadAllText(Path.Combine(RepositoryPaths.Sources, SourceFile));
    }

    public static IReadOnlyList<Table> All { get; } = Load();

    public static Table Of(string documentId) => All.Single(t => t.DocumentId == documentId);

    public static TheoryData<string> DocumentIds()
    {
        var data = new TheoryData<string>();
        foreach (var table in All) data.Add(table.DocumentId);
        return data;
    }

    /// <summary>Whitespace collapsed, so a cell wrapped over lines matches its one-line curated form.</summary>
    public static string Collapse(string text) => Spaces().Replace(text, " ").Trim();

    /// <summary>
    /// The form in which curated text and source text are compared: without white space (cells wrap
    /// anywhere, even inside "m\n\n2"), and for 003, whose extraction lost most "ố", without that letter.
    /// </summary>
    public static string Comparable(string documentId, string text)
    {
        var compact = Spaces().Replace(text, "");
        return documentId == "vl-qd999-2025" ? compact.Replace("ố", "", StringComparison.Ordinal) : compact;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    private static List<Table> Load()
    {
        var documents = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, "documents.json")))!.AsArray()
            .ToDictionary(d => (string)d!["id"]!, d => (string)d!["sourceFile"]!);
        var tables = new List<Table>();
        foreach (var kind in new[] { "targets", "catalogue" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, kind), "*.json").Order(StringComparer.Ordinal))
            {
                var json = JsonNode.Parse(File.ReadAllText(file))!;
                var id = (string)json["documentId"]!;
                tables.Add(new Table(id, documents[id], kind, json["rows"]!.AsArray().Select(r => r!.AsObject()).ToList()));
            }
        }
        return tables;
    }
}
