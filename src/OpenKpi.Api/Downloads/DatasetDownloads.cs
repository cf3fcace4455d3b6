using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using OpenKpi.Api.Formatters;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Downloads;

/// <summary>
/// One downloadable file of the whole dataset, with what a client needs to check it: its size and SHA-256.
/// It lives at <c>Path</c>, or, when no folder was writable, in <c>Content</c>.
/// </summary>
public sealed record DownloadFile(string Name, string MediaType, long Size, string Sha256, string? Path, byte[]? Content);

/// <summary>
/// The whole dataset in one JSON file, as one CSV per entity set in a zip, and as one XLSX workbook with a sheet per
/// entity set, built once per dataset
/// version (the snapshot never changes while the process runs) on first request. Each is streamed into a
/// file of a folder of its own in the temporary directory and served from there, so the process never holds
/// a whole download in memory (at national scale they are tens of megabytes); on a read-only file system
/// with no writable temporary directory they are kept in memory instead.
/// </summary>
public sealed class DatasetDownloads : IDisposable
{
    private readonly CatalogueSnapshot _catalogue;
    private readonly ILogger<DatasetDownloads> _logger;
    private readonly Lazy<string?> _folder;
    private readonly Lazy<DownloadFile> _json;
    private readonly Lazy<DownloadFile> _csv;
    private readonly Lazy<DownloadFile> _xlsx;

    public DatasetDownloads(CatalogueSnapshot catalogue, ILogger<DatasetDownloads> logger)
    {
        _catalogue = catalogue;
        _logger = logger;
        _folder = new(CreateFolder);
        _json = new(() => Build($"openkpi-{catalogue.Dataset.Version}.json", "application/json", WriteJson));
        _csv = new(() => Build($"openkpi-{catalogue.Dataset.Version}-csv.zip", "application/zip", WriteCsvZip));
        _xlsx = new(() => Build($"openkpi-{catalogue.Dataset.Version}.xlsx", XlsxEntityWriter.MediaType, WriteXlsx));
    }

    public DownloadFile Json => _json.Value;
    public DownloadFile CsvZip => _csv.Value;
    public DownloadFile Xlsx => _xlsx.Value;

    public void Dispose()
    {
        if (_folder is { IsValueCreated: true, Value: { } folder })
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private string? CreateFolder()
    {
        try { return Directory.CreateTempSubdirectory("openkpi-downloads-").FullName; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("No writable temporary folder ({Reason}): the dataset downloads are kept in memory", e.Message);
            return null;
        }
    }

    private DownloadFile Build(string name, string mediaType, Action<Stream> write)
    {
        var path = _folder.Value is { } folder ? System.IO.Path.Combine(folder, name) : null;
        using Stream stream = path is null ? new MemoryStream() : new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 64 * 1024);
        write(stream);
        stream.Position = 0;
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new DownloadFile(name, mediaType, stream.Length, sha256, path, (stream as MemoryStream)?.ToArray());
    }

    // The sets of the dataset; the revision log is not one of them (each revision has a download of its own).
    private static IEnumerable<(string Name, Type Type, IReadOnlyList<object> Rows)> Sets(CatalogueSnapshot c) =>
        CatalogueSets.All.Select(s => (s.Name, s.Type, (IReadOnlyList<object>)s.Served(c)));

    private void WriteJson(Stream stream)
    {
        var document = new Dictionary<string, object?>
        {
            ["Dataset"] = new { _catalogue.Dataset.Version, Revision = _catalogue.LatestRevision?.Id, PublishedOn = _catalogue.LatestRevision?.PublishedOn },
        };
        foreach (var (name, _, rows) in Sets(_catalogue)) document[name] = rows;
        JsonSerializer.Serialize(stream, document, CatalogueJson.Options);
    }

    private void WriteCsvZip(Stream stream)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var stamp = _catalogue.PublishedAt;
        foreach (var (name, type, rows) in Sets(_catalogue))
        {
            var entry = zip.CreateEntry($"{name}.csv", CompressionLevel.Optimal);
            entry.LastWriteTime = stamp;
            using var csv = entry.Open();
            CsvEntityWriter.Whole(rows, type).Write(csv, preamble: true);
        }
    }

    // The CSV files' tables, a sheet each (SpreadCheetah writes asynchronously only; to a file here, built once), its
    // entries dated like the CSV zip's so that the same dataset is the same bytes.
    private void WriteXlsx(Stream stream) =>
        XlsxEntityWriter.WriteAsync(stream, Sets(_catalogue).Select(s => (s.Name, CsvEntityWriter.Whole(s.Rows, s.Type))),
            _catalogue.PublishedAt.UtcDateTime, CancellationToken.None).GetAwaiter().GetResult();
}
