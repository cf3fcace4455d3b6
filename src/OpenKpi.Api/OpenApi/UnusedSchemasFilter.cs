using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>Drops the SingleResult wrappers Swashbuckle generates from action signatures: responses describe the entity itself.</summary>
public sealed class UnusedSchemasFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var schemas = swaggerDoc.Components?.Schemas;
        if (schemas is null) return;
        foreach (var name in schemas.Keys.Where(k => k.EndsWith("SingleResult", StringComparison.Ordinal)).ToList())
            schemas.Remove(name);
    }
}
