using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenKpi.Api.Formatters;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Downloads;

/// <summary>One downloadable file of the whole dataset, with what a client needs to check it.</summary>
public sealed record DownloadFile(string Name, string MediaType, byte[] Content)
{
    public long Size => Content.Length;
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));
}

/// <summary>
/// The whole dataset in one JSON file and as one CSV per entity set in a zip, built once per dataset
/// version (the snapshot never changes while the process runs) on first request.
/// </summary>
public sealed class DatasetDownloads(CatalogueSnapshot catalogue)
{
    private readonly Lazy<DownloadFile> _json = new(() => BuildJson(catalogue));
    private readonly Lazy<DownloadFile> _csv = new(() => BuildCsvZip(catalogue));

    public DownloadFile Json => _json.Value;
    public DownloadFile CsvZip => _csv.Value;

    private static IEnumerable<(string Name, IEnumerable<object> Rows)> Sets(CatalogueSnapshot c) =>
    [
        ("Provinces", c.Provinces), ("Documents", c.Documents), ("Groups", c.Groups), ("Units", c.Units),
        ("Frequencies", c.Frequencies), ("Agencies", c.Agencies), ("Indicators", c.Indicators),
        ("Targets", c.Targets), ("CatalogueEntries", c.CatalogueEntries),
    ];

    private static DownloadFile BuildJson(CatalogueSnapshot catalogue)
    {
        var document = new Dictionary<string, object> { ["Dataset"] = catalogue.Dataset };
        foreach (var (name, rows) in Sets(catalogue)) document[name] = rows;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, JsonOptions);
        return new DownloadFile($"openkpi-{catalogue.Dataset.Version}.json", "application/json", bytes);
    }

    private static DownloadFile BuildCsvZip(CatalogueSnapshot catalogue)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var stamp = new DateTimeOffset(DateTime.SpecifyKind(catalogue.Dataset.ImportedAtUtc, DateTimeKind.Utc));
            foreach (var (name, rows) in Sets(catalogue))
            {
                var entry = zip.CreateEntry($"{name}.csv", CompressionLevel.Optimal);
                entry.LastWriteTime = stamp;
                using var stream = entry.Open();
                var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
                stream.Write(encoding.GetPreamble());
                stream.Write(encoding.GetBytes(CsvTable.Write(CsvTable.Rows(rows).ToList())));
            }
        }
        return new DownloadFile($"openkpi-{catalogue.Dataset.Version}-csv.zip", "application/zip", buffer.ToArray());
    }

    // Records only: the navigation properties (marked [BsonIgnore] for the store) would repeat the dataset in cycles.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    foreach (var property in info.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(LiteDB.BsonIgnoreAttribute), inherit: true) == true).ToList())
                        info.Properties.Remove(property);
                },
            },
        },
    };
}
