using Microsoft.Net.Http.Headers;
using OpenKpi.Api.Http;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Downloads;

public static class DownloadEndpoints
{
    public const string JsonPath = "/downloads/openkpi.json";
    public const string CsvZipPath = "/downloads/openkpi-csv.zip";
    public const string XlsxPath = "/downloads/openkpi.xlsx";

    /// <summary>Every download with its address, in the order <c>/</c> lists them (as JSON and on the page).</summary>
    public static IReadOnlyList<(string Href, DownloadFile File)> Listed(DatasetDownloads downloads) =>
        [(JsonPath, downloads.Json), (CsvZipPath, downloads.CsvZip), (XlsxPath, downloads.Xlsx)];

    public static IServiceCollection AddKpiDownloads(this IServiceCollection services) => services.AddSingleton<DatasetDownloads>().AddSingleton<RevisionDownloads>();

    /// <summary>The whole dataset, in one request, with nothing left out: JSON, CSV files zipped, and one XLSX workbook; and each revision's, as it was, in JSON.</summary>
    public static WebApplication MapKpiDownloads(this WebApplication app)
    {
        app.MapGet(JsonPath, (HttpContext context, DatasetDownloads downloads, CatalogueSnapshot catalogue) => File(context, downloads.Json, catalogue)).ExcludeFromDescription();
        app.MapGet(CsvZipPath, (HttpContext context, DatasetDownloads downloads, CatalogueSnapshot catalogue) => File(context, downloads.CsvZip, catalogue)).ExcludeFromDescription();
        app.MapGet(XlsxPath, (HttpContext context, DatasetDownloads downloads, CatalogueSnapshot catalogue) => File(context, downloads.Xlsx, catalogue)).ExcludeFromDescription();
        app.MapGet(RevisionDownloads.PathTemplate, (HttpContext context, string id, RevisionDownloads downloads, CatalogueSnapshot catalogue) =>
            RevisionDownloads.Answer(context, id, downloads, catalogue)).ExcludeFromDescription();
        return app;
    }

    // With the validators of every answer, the file result evaluates the conditions, ranges and If-Range, and puts them on its 200, 206 and 304 alike.
    private static IResult File(HttpContext context, DownloadFile file, CatalogueSnapshot catalogue)
    {
        var etag = CachingMiddleware.ETagOf(context.Request, catalogue);
        var lastModified = CachingMiddleware.LastModifiedOf(catalogue);
        // An If-Range date names this file only if it is its Last-Modified exactly (RFC 9110 §13.1.5); the file result takes any later date too.
        if (context.Request.GetTypedHeaders().IfRange is { LastModified: { } date } && date != lastModified) context.Request.Headers.Range = default;
        return file.Path is { } path
            ? Results.File(path, file.MediaType, file.Name, lastModified, etag, enableRangeProcessing: true)
            : Results.File(file.Content!, file.MediaType, file.Name, enableRangeProcessing: true, lastModified: lastModified, entityTag: etag);
    }
}
