using OpenKpi.Api.Downloads;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Index;

public static class IndexEndpoint
{
    public const string Licence =
        "The source documents are legal documents of Vietnamese People's Committees, which the Law on Intellectual Property " +
        "(Article 15) leaves outside copyright. The curated dataset (parsing, harmonisation, translations) is published under " +
        "CC BY 4.0: reuse it freely, citing OpenKpi and the source document of each row.";

    /// <summary>/ names the dataset version and links everything a client starts from.</summary>
    public static WebApplication MapKpiIndex(this WebApplication app)
    {
        app.MapGet("/", (CatalogueSnapshot catalogue, DatasetDownloads downloads) => Results.Json(new
        {
            name = "OpenKpi",
            description = "Vietnamese provincial indicators and published targets, as an open OData v4 API.",
            dataset = new
            {
                version = catalogue.Dataset.Version,
                importedAtUtc = catalogue.Dataset.ImportedAtUtc,
                documents = catalogue.Documents.Count,
                indicators = catalogue.Indicators.Count,
                targets = catalogue.Targets.Count,
                catalogueEntries = catalogue.CatalogueEntries.Count,
                counts = new Dictionary<string, int>
                {
                    ["Provinces"] = catalogue.Provinces.Count,
                    ["Documents"] = catalogue.Documents.Count,
                    ["Groups"] = catalogue.Groups.Count,
                    ["Units"] = catalogue.Units.Count,
                    ["Frequencies"] = catalogue.Frequencies.Count,
                    ["Agencies"] = catalogue.Agencies.Count,
                    ["Indicators"] = catalogue.Indicators.Count,
                    ["Targets"] = catalogue.Targets.Count,
                    ["CatalogueEntries"] = catalogue.CatalogueEntries.Count,
                },
                licence = Licence,
            },
            sources = catalogue.Documents.Select(d => new
            {
                id = d.Id,
                title = d.Title,
                number = d.Number,
                issuedOn = d.IssuedOn,
                provinceId = d.ProvinceId,
                sourceFile = d.SourceFile,
                link = $"/odata/Documents('{d.Id}')",
            }),
            downloads = new[]
            {
                Describe(DownloadEndpoints.JsonPath, downloads.Json),
                Describe(DownloadEndpoints.CsvZipPath, downloads.CsvZip),
            },
            links = new
            {
                serviceDocument = "/odata",
                metadata = "/odata/$metadata",
                swaggerUi = "/swagger",
                openApi = "/swagger/v1/swagger.json",
                health = new { live = "/health/live", ready = "/health/ready" },
            },
            apiVersions = new[] { "1.0" },
        })).ExcludeFromDescription();
        return app;
    }

    private static object Describe(string path, DownloadFile file) =>
        new { href = path, fileName = file.Name, mediaType = file.MediaType, size = file.Size, sha256 = file.Sha256 };
}
