using Microsoft.AspNetCore.OData;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// A string key is a quoted literal in an OData URL: Targets('ls-qd136-2024-016'), never Targets(ls-qd136-2024-016).
/// The quotes go into the path template, so that every client substituting the key as a plain path
/// parameter (Swagger UI, NSwag, openapi-fetch) builds a URL that works.
/// </summary>
public sealed class QuotedKeyPathsFilter(IOptions<ODataOptions> odata) : IDocumentFilter
{
    private readonly IEdmModel model = EdmSchemaFilter.Model(odata.Value);

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var paths = new OpenApiPaths();
        foreach (var (template, item) in swaggerDoc.Paths) paths.Add(Quoted(template), item);
        swaggerDoc.Paths = paths;
    }

    private string Quoted(string template)
    {
        var at = template.IndexOf("({key})", StringComparison.Ordinal);
        if (at < 0) return template;
        var set = model.EntityContainer.FindEntitySet(template[..at].Split('/')[^1])
            ?? throw new InvalidOperationException($"{template} names no entity set.");
        return set.EntityType.Key().Single().Type.IsString() ? template.Replace("({key})", "('{key}')", StringComparison.Ordinal) : template;
    }
}
