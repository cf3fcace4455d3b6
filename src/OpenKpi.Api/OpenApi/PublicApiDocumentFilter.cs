using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// What the document says of the API as a whole: it is public (no authentication, stated explicitly),
/// served from the same origin as the document, and each entity set's tag says what the set holds.
/// </summary>
public sealed class PublicApiDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> SetDescriptions = new()
    {
        ["Provinces"] = "Provinces, keyed by ISO 3166-2 code, with their successor after the 1 July 2025 reorganisation.",
        ["Documents"] = "Source documents with their legal citation; ProvinceId is null where the source names none.",
        ["Groups"] = "The thematic taxonomy every indicator belongs to.",
        ["Units"] = "Units as Vietnamese documents write them, with the base unit and multiplier that make values comparable.",
        ["Frequencies"] = "Reporting frequencies, keyed by SDMX code where one fits.",
        ["Agencies"] = "Organisations named as lead, coordinating or reporting agencies, with their 2025 successors.",
        ["Indicators"] = "Harmonised indicators: one concept shared by every province's row that measures it.",
        ["Targets"] = "Published targets: wording and value as published beside the parsed comparator and bounds.",
        ["CatalogueEntries"] = "Rows of indicator catalogues: what a province reports, how often and by whom.",
        ["Revisions"] = "The dataset's published revisions: when, why, what each added, changed and removed, and its whole dataset as it was. " +
            "Prefer: odata.track-changes on any set gives a delta link; $deltatoken=<revision Id> returns what changed since that revision.",
    };

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Servers = [new OpenApiServer { Url = "/", Description = "The origin serving this document" }];
        // An empty requirement: every operation may be called anonymously.
        swaggerDoc.Security = [new OpenApiSecurityRequirement()];
        swaggerDoc.Tags = new HashSet<OpenApiTag>(SetDescriptions.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new OpenApiTag { Name = s.Key, Description = s.Value }));
    }
}
