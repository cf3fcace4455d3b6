using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using OpenKpi.Api.Downloads;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Index;

public static class IndexEndpoint
{
    public const string Licence =
        "The source documents are legal documents of Vietnamese People's Committees, which the Law on Intellectual Property " +
        "(Article 15) leaves outside copyright. The curated dataset (parsing, harmonisation, translations) is published under " +
        "CC BY 4.0: reuse it freely, citing OpenKpi and the source document of each row.";

    /// <summary>The page for people: rendered on the server (a Razor component), no script.</summary>
    public static IServiceCollection AddKpiIndex(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<ExampleQueries>();
        return services;
    }

    /// <summary>/ names the dataset version and links everything a client starts from: as a page to a browser, as JSON to everyone else.</summary>
    public static WebApplication MapKpiIndex(this WebApplication app)
    {
        app.MapGet("/", (HttpRequest request, CatalogueSnapshot catalogue, DatasetDownloads downloads, ExampleQueries examples) => PrefersHtml(request)
            ? new RazorComponentResult<IndexPage>(new { Catalogue = catalogue, Downloads = DownloadEndpoints.Listed(downloads), Examples = examples })
            : Json(catalogue, downloads)).ExcludeFromDescription();
        return app;
    }

    private static IResult Json(CatalogueSnapshot catalogue, DatasetDownloads downloads) => Results.Json(new
        {
            name = "OpenKpi",
            description = "Vietnamese provincial indicators and published targets, as an open OData v4 API.",
            dataset = new
            {
                version = catalogue.Dataset.Version,
                revision = catalogue.LatestRevision?.Id,
                publishedOn = catalogue.LatestRevision?.PublishedOn,
                documents = catalogue.Documents.Count,
                indicators = catalogue.Indicators.Count,
                targets = catalogue.Targets.Count,
                catalogueEntries = catalogue.CatalogueEntries.Count,
                counts = SetCounts(catalogue),
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
            downloads = DownloadEndpoints.Listed(downloads).Select(d => Describe(d.Href, d.File)),
            revisions = catalogue.Revisions.Select(r => new
            {
                id = r.Id,
                publishedOn = r.PublishedOn,
                summary = r.Summary,
                added = r.Added,
                changed = r.Changed,
                removed = r.Removed,
                link = $"/odata/Revisions('{r.Id}')",
                download = new { href = r.DownloadUrl, fileName = $"openkpi-revision-{r.Id}.json", mediaType = "application/json", size = r.DownloadSize, sha256 = r.DownloadSha256 },
            }),
            links = new
            {
                serviceDocument = "/odata",
                metadata = "/odata/$metadata",
                swaggerUi = "/swagger",
                openApi = "/swagger/v1/swagger.json",
                health = new { live = "/health/live", ready = "/health/ready" },
            },
            apiVersions = new[] { "1.0" },
        });

    /// <summary>The records of each entity set, in the order of the model.</summary>
    public static Dictionary<string, int> SetCounts(CatalogueSnapshot catalogue) => CatalogueSets.Served.ToDictionary(s => s.Name, s => s.Served(catalogue).Count);

    /// <summary>
    /// Whether the Accept header ranks text/html above JSON, by q-values (RFC 9110 §12.5.1: the most specific
    /// range that matches gives a type its quality). A browser's does; */*, none, or application/json get JSON.
    /// </summary>
    internal static bool PrefersHtml(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && Quality(accepted, "text", "html") is > 0 and var html
        && html > Quality(accepted, "application", "json");

    private static double Quality(IList<MediaTypeHeaderValue> accepted, string type, string subtype) => accepted
        .Select(range => (Range: range, Specificity: range.MediaType.Equals("*/*", StringComparison.Ordinal) ? 0
            : !range.Type.Equals(type, StringComparison.OrdinalIgnoreCase) ? -1
            : range.MatchesAllSubTypes ? 1
            : range.SubType.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 2 : -1))
        .Where(r => r.Specificity >= 0)
        .OrderByDescending(r => r.Specificity)
        .Select(r => r.Range.Quality ?? 1)
        .DefaultIfEmpty(0)
        .First();

    private static object Describe(string path, DownloadFile file) =>
        new { href = path, fileName = file.Name, mediaType = file.MediaType, size = file.Size, sha256 = file.Sha256 };
}
