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
                ? WithItems(generated, property.Type.AsCollection().ElementType())
                : Nullable(generated, property.Type);
        }
        concrete.Required?.Clear();
    }

    private static IOpenApiSchema WithItems(IOpenApiSchema array, IEdmTypeReference item)
    {
        if (array is not OpenApiSchema concrete || concrete.Items is null) throw new InvalidOperationException("A collection property's schema is not an array.");
        concrete.Type = JsonSchemaType.Array;
        concrete.Items = Nullable(concrete.Items, item);
        return concrete;
    }

    // OpenAPI 3.0 cannot say "nullable" beside a $ref: a nullable reference is an allOf of the one reference,
    // with the type beside nullable (an enum is written as its member's name).
    private static IOpenApiSchema Nullable(IOpenApiSchema schema, IEdmTypeReference type) => schema switch
    {
        OpenApiSchemaReference reference when type.IsNullable =>
            new OpenApiSchema { AllOf = [reference], Type = (type.IsEnum() ? JsonSchemaType.String : JsonSchemaType.Object) | JsonSchemaType.Null },
        OpenApiSchemaReference reference => reference,
        OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } when !type.IsNullable => reference,
        OpenApiSchema concrete => With(concrete, type.IsNullable),
        _ => throw new InvalidOperationException($"A property schema of an unexpected kind ({schema.GetType().Name})."),
    };

    private static OpenApiSchema With(OpenApiSchema schema, bool nullable)
    {
        schema.Type = nullable ? (schema.Type ?? 0) | JsonSchemaType.Null : schema.Type & ~JsonSchemaType.Null;
        return schema;
    }
}
