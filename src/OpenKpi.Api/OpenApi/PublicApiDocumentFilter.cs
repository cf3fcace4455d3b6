using OpenKpi.Domain.Catalogue;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// What the document says of the API as a whole: it is public (no authentication, stated explicitly),
/// served from the same origin as the document, and each entity set's tag says what the set holds.
/// </summary>
public sealed class PublicApiDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> SetDescriptions = CatalogueSets.Served.ToDictionary(s => s.Name, s => s.Description);

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Servers = [new OpenApiServer { Url = "/", Description = "The origin serving this document" }];
        // An empty requirement: every operation may be called anonymously.
        swaggerDoc.Security = [new OpenApiSecurityRequirement()];
        swaggerDoc.Tags = new HashSet<OpenApiTag>(SetDescriptions.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new OpenApiTag { Name = s.Key, Description = s.Value }));
    }
}
