using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Revisions;

/// <summary>What one revision did to one entity set: the records it added and changed (whole, as served) and the keys it removed.</summary>
public sealed record SetChanges
{
    public required string Set { get; init; }
    public JsonObject[] Added { get; init; } = [];
    public JsonObject[] Changed { get; init; } = [];
    public string[] Removed { get; init; } = [];

    public bool IsEmpty => Added.Length == 0 && Changed.Length == 0 && Removed.Length == 0;
}

/// <summary>The size and SHA-256 of a revision's whole dataset as JSON (<see cref="RevisionLog.Download"/>), recorded when it was published.</summary>
public sealed record RevisionDownload(long Size, string Sha256);

/// <summary>One published revision, as kept in <c>seeds/revisions/&lt;id&gt;.json</c>.</summary>
public sealed record RevisionFile
{
    public required string Id { get; init; }
    public required DateOnly PublishedOn { get; init; }
    public required string Summary { get; init; }
    public required RevisionDownload Download { get; init; }
    public IReadOnlyList<SetChanges> Changes { get; init; } = [];
}

/// <summary>Every record of every set as of one revision, in the order the revisions added them.</summary>
public sealed class RevisionState
{
    private readonly Dictionary<string, List<JsonObject>> _records = CatalogueSets.All.ToDictionary(s => s.Name, _ => new List<JsonObject>());
    private readonly Dictionary<(string Set, string Id), string> _lastChanged = [];

    /// <summary>The revision this state is the dataset of; null before the first.</summary>
    public RevisionFile? Revision { get; private set; }

    public IReadOnlyList<JsonObject> Records(string set) => _records[set];

    /// <summary>The revision in which the record last changed, or null when no revision holds it.</summary>
    public string? LastChanged(string set, string id) => _lastChanged.GetValueOrDefault((set, id));

    internal void Apply(RevisionFile revision, string file, List<SeedError> errors)
    {
        foreach (var changes in revision.Changes)
        {
            if (!_records.TryGetValue(changes.Set, out var records))
            {
                errors.Add(new SeedError(file, changes.Set, "set", $"'{changes.Set}' is not an entity set"));
                continue;
            }
            var index = records.Select((r, i) => (Id: RevisionLog.IdOf(r), i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
            foreach (var record in changes.Added)
            {
                var id = RevisionLog.IdOf(record);
                if (index.ContainsKey(id)) errors.Add(new SeedError(file, $"{changes.Set}('{id}')", "added", "the record exists already"));
                else
                {
                    index[id] = records.Count;
                    records.Add(record);
                    _lastChanged[(changes.Set, id)] = revision.Id;
                }
            }
            foreach (var record in changes.Changed)
            {
                var id = RevisionLog.IdOf(record);
                if (!index.TryGetValue(id, out var at)) errors.Add(new SeedError(file, $"{changes.Set}('{id}')", "changed", "no earlier revision holds the record"));
                else
                {
                    records[at] = record;
                    _lastChanged[(changes.Set, id)] = revision.Id;
                }
            }
            foreach (var id in changes.Removed)
            {
                if (!index.ContainsKey(id)) errors.Add(new SeedError(file, $"{changes.Set}('{id}')", "removed", "no earlier revision holds the record"));
                else
                {
                    records.RemoveAll(r => RevisionLog.IdOf(r) == id);
                    index = records.Select((r, i) => (Id: RevisionLog.IdOf(r), i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
                    _lastChanged.Remove((changes.Set, id));
                }
            }
        }
        Revision = revision;
    }
}

/// <summary>
/// The dataset's published revisions, kept in <c>seeds/revisions/</c> so that a fresh clone serves the whole history. Revision 1
/// added every record; each later one holds what it added and changed, whole, and what it removed, computed by comparing the
/// seeds with the revision before (<see cref="Next"/>). Replaying them gives any revision's dataset, record for record.
/// </summary>
public static class RevisionLog
{
    public const string Folder = "revisions";

    /// <summary>Where revision <paramref name="id"/>'s whole dataset is downloaded.</summary>
    public static string DownloadPath(string id) => $"/downloads/revisions/{id}/openkpi.json";

    /// <summary>The revision files of a seeds folder, in order (none when it has no revisions folder), each checked as far as it can be alone.</summary>
    public static IReadOnlyList<RevisionFile> Read(string seedDirectory, List<SeedError> errors)
    {
        var folder = Path.Combine(seedDirectory, Folder);
        if (!Directory.Exists(folder)) return [];
        var revisions = new List<RevisionFile>();
        var files = Directory.GetFiles(folder, "*.json")
            .Select(path => (Path: path, Number: int.TryParse(Path.GetFileNameWithoutExtension(path), out var n) ? n : -1))
            .OrderBy(f => f.Number).ToList();
        foreach (var (path, number) in files)
        {
            var file = $"{Folder}/{Path.GetFileName(path)}";
            if (number != revisions.Count + 1)
            {
                errors.Add(new SeedError(file, "-", "-", $"revision files are named 1.json, 2.json, … with none missing; expected {revisions.Count + 1}.json"));
                return revisions;
            }
            try
            {
                var revision = JsonSerializer.Deserialize<RevisionFile>(File.ReadAllText(path), FileOptions)!;
                if (revision.Id != number.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    errors.Add(new SeedError(file, "-", "id", $"'{revision.Id}' in {number}.json"));
                if (revisions.Count > 0 && revision.PublishedOn < revisions[^1].PublishedOn)
                    errors.Add(new SeedError(file, "-", "publishedOn", $"{revision.PublishedOn:yyyy-MM-dd} is before revision {revisions[^1].Id}'s {revisions[^1].PublishedOn:yyyy-MM-dd}"));
                if (string.IsNullOrWhiteSpace(revision.Summary)) errors.Add(new SeedError(file, "-", "summary", "a revision says what it changed, for people"));
                revisions.Add(revision);
            }
            catch (JsonException e)
            {
                errors.Add(new SeedError(file, "-", e.Path ?? "-", $"not a revision file (line {e.LineNumber + 1}): {e.Message.Split(" Path:")[0]}"));
                return revisions;
            }
        }
        return revisions;
    }

    /// <summary>The dataset as of revision <paramref name="upTo"/> (the last, when null), each revision's recorded download checked against its replay.</summary>
    public static RevisionState Replay(IReadOnlyList<RevisionFile> revisions, List<SeedError> errors, string? upTo = null)
    {
        var state = new RevisionState();
        foreach (var revision in revisions)
        {
            var file = $"{Folder}/{revision.Id}.json";
            state.Apply(revision, file, errors);
            if (DownloadInfo(Download(state)) != revision.Download)
                errors.Add(new SeedError(file, "-", "download", $"the dataset this revision replays to is not the one it published ({revision.Download.Size} bytes, SHA-256 {revision.Download.Sha256}); a published revision is never edited"));
            if (revision.Id == upTo) break;
        }
        return state;
    }

    /// <summary>What the seeds' records add, change and remove against <paramref name="state"/>, per entity set; empty sets left out.</summary>
    public static IReadOnlyList<SetChanges> Diff(RevisionState state, CatalogueData data) =>
        CatalogueSets.All.Select(set =>
        {
            var before = state.Records(set.Name).ToDictionary(IdOf, StringComparer.Ordinal);
            var now = set.Records(data).Select(r => RecordOf(r, set.Type)).ToList();
            var ids = now.Select(IdOf).ToHashSet(StringComparer.Ordinal);
            return new SetChanges
            {
                Set = set.Name,
                Added = now.Where(r => !before.ContainsKey(IdOf(r))).ToArray(),
                Changed = now.Where(r => before.TryGetValue(IdOf(r), out var old) && !JsonNode.DeepEquals(old, r)).ToArray(),
                Removed = before.Keys.Where(id => !ids.Contains(id)).ToArray(),
            };
        }).Where(c => !c.IsEmpty).ToList();

    /// <summary>The next revision: what the seeds changed since the last one (revision 1: every record), or null when nothing did.</summary>
    public static RevisionFile? Next(IReadOnlyList<RevisionFile> revisions, CatalogueData data, string summary, DateOnly publishedOn)
    {
        var errors = new List<SeedError>();
        var state = Replay(revisions, errors);
        if (errors.Count > 0) throw new SeedValidationException(errors);
        var changes = Diff(state, data);
        if (changes.Count == 0) return null;
        var draft = new RevisionFile
        {
            Id = (revisions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), PublishedOn = publishedOn,
            Summary = summary, Download = new RevisionDownload(0, ""), Changes = changes,
        };
        // The download is measured on the records as the file will hold them (read back), which is what every replay sees.
        var written = JsonSerializer.Deserialize<RevisionFile>(JsonSerializer.Serialize(draft, FileOptions), FileOptions)!;
        state.Apply(written, $"{Folder}/{written.Id}.json", errors);
        return written with { Download = DownloadInfo(Download(state)) };
    }

    /// <summary>Writes <paramref name="revision"/> as <c>revisions/&lt;id&gt;.json</c> of the seeds folder.</summary>
    public static string Write(string seedDirectory, RevisionFile revision)
    {
        var path = Path.Combine(seedDirectory, Folder, $"{revision.Id}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(revision, FileOptions) + "\n");
        return path;
    }

    /// <summary>
    /// The whole dataset of <paramref name="state"/>'s revision as one JSON document: the revision, then every set's records as the
    /// revision log holds them. Written from the log alone, so it is the same bytes on every machine and after every change to the code.
    /// </summary>
    public static byte[] Download(RevisionState state)
    {
        var revision = state.Revision ?? throw new InvalidOperationException("No revision to download.");
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Revision");
            writer.WriteString("Id", revision.Id);
            writer.WriteString("PublishedOn", revision.PublishedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("Summary", revision.Summary);
            writer.WriteEndObject();
            foreach (var set in CatalogueSets.All)
            {
                writer.WriteStartArray(set.Name);
                foreach (var record in state.Records(set.Name)) record.WriteTo(writer);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>The whole log as one JSON document (how the database file keeps it), and back.</summary>
    public static byte[] Serialize(IReadOnlyList<RevisionFile> revisions) => JsonSerializer.SerializeToUtf8Bytes(revisions, FileOptions);

    public static IReadOnlyList<RevisionFile> Deserialize(Stream json) => JsonSerializer.Deserialize<List<RevisionFile>>(json, FileOptions) ?? [];

    /// <summary>Sets every record's <c>RevisionId</c> to the revision in which it last changed.</summary>
    public static void Stamp(CatalogueData data, RevisionState state)
    {
        foreach (var set in CatalogueSets.All)
        {
            var property = set.Type.GetProperty("RevisionId") ?? throw new InvalidOperationException($"{set.Type.Name} has no RevisionId.");
            var id = set.Type.GetProperty("Id")!;
            foreach (var record in set.Records(data)) property.SetValue(record, state.LastChanged(set.Name, (string)id.GetValue(record)!));
        }
    }

    /// <summary>A record as the log keeps it: what is served, less the revision stamp (which the log itself decides).</summary>
    public static JsonObject RecordOf(object record, Type type)
    {
        var json = JsonSerializer.SerializeToNode(record, type, CatalogueJson.Options)!.AsObject();
        json.Remove("RevisionId");
        return json;
    }

    /// <summary>The key of a record the log holds.</summary>
    public static string IdOf(JsonObject record) =>
        record["Id"]?.GetValue<string>() ?? throw new JsonException("A record of the revision log has no Id.");

    /// <summary>A record's address as OData writes it, its key quoted: "Agencies('d000-cong-an-tinh')".</summary>
    public static string KeyOf(string set, string id) => $"{set}('{id.Replace("'", "''")}')";

    private static RevisionDownload DownloadInfo(byte[] bytes) => new(bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
    };
}
