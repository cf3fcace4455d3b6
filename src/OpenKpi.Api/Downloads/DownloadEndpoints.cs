namespace OpenKpi.Api.Downloads;

public static class DownloadEndpoints
{
    public const string JsonPath = "/downloads/openkpi.json";
    public const string CsvZipPath = "/downloads/openkpi-csv.zip";

    public static IServiceCollection AddKpiDownloads(this IServiceCollection services) => services.AddSingleton<DatasetDownloads>();

    /// <summary>The whole dataset, in one request, with nothing left out: JSON, and CSV files zipped.</summary>
    public static WebApplication MapKpiDownloads(this WebApplication app)
    {
        app.MapGet(JsonPath, (DatasetDownloads downloads) => File(downloads.Json)).ExcludeFromDescription();
        app.MapGet(CsvZipPath, (DatasetDownloads downloads) => File(downloads.CsvZip)).ExcludeFromDescription();
        return app;
    }

    private static IResult File(DownloadFile file) => file.Path is { } path
        ? Results.File(path, file.MediaType, file.Name, enableRangeProcessing: true)
        : Results.File(file.Content!, file.MediaType, file.Name, enableRangeProcessing: true);
}
