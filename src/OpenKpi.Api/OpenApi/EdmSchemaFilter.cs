using Microsoft.AspNetCore.OData;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Microsoft.OpenApi;
using OpenKpi.Api.OData;
using OpenKpi.Api.Versioning;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// An entity's schema says what the EDM model says: its properties are the model's (no others), each nullable
/// exactly where the model's type is, and none required, since $select may leave any of them out.
/// </summary>
public sealed class EdmSchemaFilter(IOptions<ODataOptions> odata) : ISchemaFilter
{
    private readonly Dictionary<Type, IEdmEntityType> entityTypes = Model(odata.Value).SchemaElements.OfType<IEdmEntityType>()
        .ToDictionary(type => type.ClrTypeOf());

    public static IEdmModel Model(ODataOptions options) => options.RouteComponents[ApiVersions.CurrentPrefix].EdmModel;

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (!entityTypes.TryGetValue(context.Type, out var entity) || schema is not OpenApiSchema concrete) return;
        var properties = concrete.Properties ?? throw new InvalidOperationException($"{entity.Name} has no properties in its schema.");
        var declared = entity.Properties().ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var name in properties.Keys.Where(name => !declared.ContainsKey(name)).ToList())
            properties.Remove(name);
        foreach (var property in declared.Values)
        {
            if (!properties.TryGetValue(property.Name, out var generated))
                throw new InvalidOperationException($"{entity.Name}.{property.Name} is in the EDM model but not in its schema.");
            properties[property.Name] = property.Type.IsCollection()
                ? WithItems(generated, property.Type.AsCollection().ElementType().IsNullable)
                : Nullable(generated, property.Type.IsNullable);
        }
        concrete.Required?.Clear();
    }

    private static IOpenApiSchema WithItems(IOpenApiSchema array, bool itemsNullable)
    {
        if (array is not OpenApiSchema concrete || concrete.Items is null) throw new InvalidOperationException("A collection property's schema is not an array.");
        concrete.Type = JsonSchemaType.Array;
        concrete.Items = Nullable(concrete.Items, itemsNullable);
        return concrete;
    }

    // OpenAPI 3.0 cannot say "nullable" beside a $ref: a nullable reference is an allOf of the one reference.
    private static IOpenApiSchema Nullable(IOpenApiSchema schema, bool nullable) => schema switch
    {
        OpenApiSchemaReference reference when nullable => new OpenApiSchema { AllOf = [reference], Type = JsonSchemaType.Null },
        OpenApiSchemaReference reference => reference,
        OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } when !nullable => reference,
        OpenApiSchema concrete => With(concrete, nullable),
        _ => throw new InvalidOperationException($"A property schema of an unexpected kind ({schema.GetType().Name})."),
    };

    private static OpenApiSchema With(OpenApiSchema schema, bool nullable)
    {
        schema.Type = nullable ? (schema.Type ?? 0) | JsonSchemaType.Null : schema.Type & ~JsonSchemaType.Null;
        return schema;
    }
}
