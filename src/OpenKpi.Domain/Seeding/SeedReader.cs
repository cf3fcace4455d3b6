using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace OpenKpi.Domain.Seeding;

/// <summary>Reads the JSON files of seeds/. Unknown fields and wrong types are errors, reported with file and path.</summary>
public static class SeedReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    public static SeedSet Read(string seedDirectory, List<SeedError> errors)
    {
        if (!Directory.Exists(seedDirectory))
        {
            errors.Add(new SeedError(seedDirectory, "-", "-", "the seed folder does not exist"));
            return new SeedSet { Version = "none" };
        }

        List<Sourced<T>> ReadArray<T>(string relative)
        {
            var records = ReadFile<T[]>(seedDirectory, relative, errors) ?? [];
            return records.Select((record, index) => new Sourced<T>(relative, index, record)).ToList();
        }
        List<Sourced<T>> ReadFolder<T>(string folder, bool single) where T : class
        {
            var path = Path.Combine(seedDirectory, folder);
            if (!Directory.Exists(path)) return [];
            var result = new List<Sourced<T>>();
            foreach (var file in Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(seedDirectory, file).Replace('\\', '/');
                if (single)
                {
                    if (ReadFile<T>(seedDirectory, relative, errors) is { } table) result.Add(new Sourced<T>(relative, 0, table));
                }
                else
                {
                    var records = ReadFile<T[]>(seedDirectory, relative, errors) ?? [];
                    result.AddRange(records.Select((record, index) => new Sourced<T>(relative, index, record)));
                }
            }
            return result;
        }

        var set = new SeedSet
        {
            Provinces = ReadArray<ProvinceSeed>("provinces.json"),
            Documents = ReadArray<DocumentSeed>("documents.json"),
            Groups = ReadArray<GroupSeed>("groups.json"),
            Units = ReadArray<UnitSeed>("units.json"),
            Frequencies = ReadArray<FrequencySeed>("frequencies.json"),
            Indicators = ReadArray<IndicatorSeed>("indicators.json"),
            Agencies = ReadFolder<AgencySeed>("agencies", single: false),
            TargetTables = ReadFolder<TargetTableSeed>("targets", single: true),
            CatalogueTables = ReadFolder<CatalogueTableSeed>("catalogue", single: true),
            Version = "pending",
        };
        // The stamp before the hash: a file changed after its stamp is hashed again at the next start. (One changed while it was
        // parsed was hashed after, as it has always been: its version is then of bytes other than its records.)
        var stamp = Stamp(seedDirectory);
        return set with { Version = Version(seedDirectory), Stamp = stamp ?? "" };   // the files read, and the revision log beside them
    }

    private static readonly string[] ArrayFiles = ["provinces.json", "documents.json", "groups.json", "units.json", "frequencies.json", "indicators.json"];
    private static readonly string[] Folders = ["agencies", "targets", "catalogue", Revisions.RevisionLog.Folder];

    /// <summary>The dataset version of a seeds folder, from its files' bytes alone (no parsing): what <see cref="Read"/> reports for it.</summary>
    public static string Version(string seedDirectory) => HashFiles(seedDirectory, Files(seedDirectory));

    // A file's last write is dated to the file system's tick, coarser than a second on some: one written less than this
    // before it is stamped could be written again within the same tick, and keep its date.
    private static readonly TimeSpan Settled = TimeSpan.FromSeconds(2);

    /// <summary>
    /// What the file system says of the files <see cref="Version"/> hashes, without reading them: each one's path, length and
    /// last write. A database records it beside the version, so that a start-up that finds the same need not read every
    /// seed again (430 MB at a million targets). Null when a file was written too recently for a later write to be dated apart.
    /// </summary>
    public static string? Stamp(string seedDirectory)
    {
        var now = DateTime.UtcNow;
        var lines = new StringBuilder();
        foreach (var relative in Files(seedDirectory).Order(StringComparer.Ordinal))
        {
            var file = new FileInfo(Path.Combine(seedDirectory, relative));
            if (!file.Exists) continue;
            if (file.LastWriteTimeUtc > now - Settled) return null;
            lines.Append(relative).Append('\t').Append(file.Length).Append('\t').Append(file.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())))[..16];
    }

    private static IEnumerable<string> Files(string seedDirectory) => ArrayFiles.Concat(Folders.SelectMany(folder =>
    {
        var path = Path.Combine(seedDirectory, folder);
        return Directory.Exists(path)
            ? Directory.GetFiles(path, "*.json").Select(f => Path.GetRelativePath(seedDirectory, f).Replace('\\', '/'))
            : [];
    }));

    private static T? ReadFile<T>(string seedDirectory, string relative, List<SeedError> errors) where T : class
    {
        var path = Path.Combine(seedDirectory, relative);
        if (!File.Exists(path))
        {
            errors.Add(new SeedError(relative, "-", "-", "the file is missing"));
            return null;
        }
        try
        {
            using var stream = File.OpenRead(path);
            var value = JsonSerializer.Deserialize<T>(stream, Options);
            if (value is null) errors.Add(new SeedError(relative, "-", "-", "the file holds null"));
            return value;
        }
        catch (JsonException e)
        {
            errors.Add(new SeedError(relative, RecordOf(e.Path), FieldOf(e.Path),
                $"not valid here (line {e.LineNumber + 1}): {FirstSentence(e.Message)}"));
            return null;
        }
    }

    // "$.rows[3].unitId" → record "rows[3]", field "unitId"; "$[2].name" → record "[2]", field "name".
    private static string RecordOf(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "-";
        var end = path.LastIndexOf(']');
        return end < 0 ? "-" : path[..(end + 1)].TrimStart('$', '.');
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "-";
        var dot = path.LastIndexOf('.');
        return dot < 0 || dot < path.LastIndexOf(']') ? "-" : path[(dot + 1)..];
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static string HashFiles(string seedDirectory, IEnumerable<string> relatives)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // One buffer for every file: the hash runs beside the start-up's load, and 430 MB of arrays read whole (a million
        // targets' seeds) made the collector stop that load ~27 times.
        var buffer = new byte[1 << 16];
        foreach (var relative in relatives.Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(seedDirectory, relative);
            if (!File.Exists(path)) continue;
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(relative + "\n"));
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            for (int read; (read = file.Read(buffer)) > 0;) hash.AppendData(buffer.AsSpan(0, read));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
