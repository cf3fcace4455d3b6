namespace OpenKpi.Api.Downloads;

public static class DownloadEndpoints
{
    public const string JsonPath = "/downloads/openkpi.json";
    public const string CsvZipPath = "/downloads/openkpi-csv.zip";
    public const string XlsxPath = "/downloads/openkpi.xlsx";

    /// <summary>Every download with its address, in the order <c>/</c> lists them (as JSON and on the page).</summary>
    public static IReadOnlyList<(string Href, DownloadFile File)> Listed(DatasetDownloads downloads) =>
        [(JsonPath, downloads.Json), (CsvZipPath, downloads.CsvZip), (XlsxPath, downloads.Xlsx)];

    public static IServiceCollection AddKpiDownloads(this IServiceCollection services) => services.AddSingleton<DatasetDownloads>();

    /// <summary>The whole dataset, in one request, with nothing left out: JSON, CSV files zipped, and one XLSX workbook.</summary>
    public static WebApplication MapKpiDownloads(this WebApplication app)
    {
        app.MapGet(JsonPath, (DatasetDownloads downloads) => File(downloads.Json)).ExcludeFromDescription();
        app.MapGet(CsvZipPath, (DatasetDownloads downloads) => File(downloads.CsvZip)).ExcludeFromDescription();
        app.MapGet(XlsxPath, (DatasetDownloads downloads) => File(downloads.Xlsx)).ExcludeFromDescription();
        return app;
    }

    private static IResult File(DownloadFile file) => file.Path is { } path
        ? Results.File(path, file.MediaType, file.Name, enableRangeProcessing: true)
        : Results.File(file.Content!, file.MediaType, file.Name, enableRangeProcessing: true);
}
