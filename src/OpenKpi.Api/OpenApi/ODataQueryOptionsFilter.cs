using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using OpenKpi.Api.OData;
using OpenKpi.Api.Versioning;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace OpenKpi.Api.OpenApi;

/// <summary>
/// Swashbuckle knows nothing of OData: this adds the query options each operation accepts (with the
/// limits of <see cref="QueryLimits"/>), the api-version parameter, and the OData response envelope; each
/// with the operation's own example (<see cref="OperationExamples"/>).
/// </summary>
public sealed class ODataQueryOptionsFilter(OperationExamples examples) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var path = context.ApiDescription.RelativePath ?? "";
        var isCount = path.EndsWith("/$count", StringComparison.Ordinal);
        var isCollection = OpenApiExtensions.IsCollection(context.ApiDescription, out var elementType);
        operation.Parameters ??= [];
        var example = examples.For(path);
        if (operation.Parameters.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == "key") is { } key)
        {
            key.Description = "The entity's key, without quotes: the path quotes it as OData requires.";
            key.Example = JsonValue.Create(example.Key);
        }

        if (isCollection)
        {
            Add(operation, "$filter", "Rows to keep, as an OData expression.", example.Filter,
                JsonSchemaType.String, $"At most {QueryLimits.MaxNodeCount} nodes; any/all nested at most {QueryLimits.MaxAnyAllExpressionDepth} deep, visiting at most " +
                $"{QueryLimits.MaxLambdaItems:N0} items; functions nested at most {QueryLimits.MaxFunctionNesting} deep; at most {QueryLimits.MaxStringFunctionCalls} string-function calls; no matchesPattern.");
            if (!isCount)
            {
                Add(operation, "$orderby", "Sort order: properties, each optionally followed by asc or desc.", example.OrderBy, JsonSchemaType.String, $"At most {QueryLimits.MaxOrderByNodeCount} clauses; ordered by a computed expression, a page ends at most {QueryLimits.MaxComputedOrderWindow:N0} rows deep.");
                Add(operation, "$top", "The most rows to return.", 10, JsonSchemaType.Integer, $"Any size: pages hold {QueryLimits.PageSize} rows; follow @odata.nextLink for the rest (it carries the $top that remains).");
                Add(operation, "$skip", "Rows to skip before the first returned.", null, JsonSchemaType.Integer, null);
                Add(operation, "$count", "true adds @odata.count, the number of rows matching $filter.", true, JsonSchemaType.Boolean, null);
                Add(operation, "$search", "Words to find, without diacritics if you like: bac si finds bác sĩ and bác sỹ, duong finds đường. " +
                    "Terms combine with AND (the default), OR and NOT; \"quoted words\" are a phrase. Without $orderby, matches that also agree in diacritics come first.",
                    example.Search, JsonSchemaType.String, null);
            }
        }
        if (!isCount)
        {
            Add(operation, "$select", "Properties to return, comma-separated.", example.Select, JsonSchemaType.String, null);
            Add(operation, "$expand", "Related entities to include, each optionally with its own options: Indicator($select=Name),Province.", example.Expand, JsonSchemaType.String,
                $"Nested at most {QueryLimits.MaxExpansionDepth} deep; the answer at most {QueryLimits.MaxEntitiesPerAnswer:N0} entities (collections count {QueryLimits.PageSize} each unless given a smaller $top); in CSV and XLSX, single-valued navigations only.");
        }
        if (System.Reflection.CustomAttributeExtensions.GetCustomAttribute<KpiQueryAttribute>(context.MethodInfo)?.AllowAggregation == true && !isCount)
            Add(operation, "$apply", "Aggregation: groupby, aggregate (count, sum, min, max, average), filter. " +
                "Example: groupby((ProvinceId,Comparator),aggregate($count as Count)); the pre-filled filter(…) keeps the entities, so it combines with every other option.",
                example.Filter is null ? null : $"filter({example.Filter})", JsonSchemaType.String, null);
        if (!isCount)
            Add(operation, "$format", "csv for a CSV file (UTF-8 with BOM, RFC 4180), the same as Accept: text/csv; a CSV holds every selected row, never a page. " +
                $"xlsx for the same table as an Excel workbook with typed cells (published text stays text), the same as Accept: {Formatters.XlsxEntityWriter.MediaType}. " +
                "json (the default) with ;odata.metadata=minimal|full|none. Anything else answers 406.",
                "json", JsonSchemaType.String, $"A CSV or XLSX holds at most {QueryLimits.MaxCsvRows:N0} rows and {QueryLimits.MaxCsvFields:N0} fields.");
        Add(operation, "api-version", "The API version; the default is the current one.", ApiVersions.V1.ToString(), JsonSchemaType.String, "Supported: 1.0.");

        var ok = operation.Responses?.GetValueOrDefault("200") as OpenApiResponse;
        if (ok is null || elementType is null) return;
        IOpenApiSchema body = isCount
            ? new OpenApiSchema { Type = JsonSchemaType.Integer }
            : isCollection
                ? CollectionEnvelope(context.SchemaGenerator.GenerateSchema(elementType, context.SchemaRepository))
                : context.SchemaGenerator.GenerateSchema(elementType, context.SchemaRepository);
        ok.Content = new Dictionary<string, IOpenApiMediaType>
        {
            [isCount ? "text/plain" : "application/json"] = new OpenApiMediaType { Schema = body },
        };
        if (!isCount)
        {
            ok.Content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            ok.Content[Formatters.XlsxEntityWriter.MediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        operation.Responses!["400"] = new OpenApiResponse { Description = "The query is not valid or exceeds a limit; the OData error names it." };
        if (path.Contains("{key}", StringComparison.Ordinal))
            operation.Responses["404"] = new OpenApiResponse { Description = "No entity has this key." };
        if (!isCollection && !isCount && path.Contains("{key}", StringComparison.Ordinal) && !path.EndsWith(')'))
            operation.Responses["204"] = new OpenApiResponse { Description = "The entity with this key has none related here (the source names none)." };
        operation.Responses["406"] = new OpenApiResponse { Description = $"Accept names no format the API writes (application/json, text/csv, {Formatters.XlsxEntityWriter.MediaType})." };
        operation.Responses["414"] = new OpenApiResponse { Description = $"The URL is longer than MaxUrlLength ({QueryLimits.MaxUrlLength})." };
        operation.Responses["429"] = new OpenApiResponse { Description = "Too many requests from your address; Retry-After says when to try again." };
        operation.Responses["503"] = new OpenApiResponse { Description = "The service is evaluating as many queries as it takes (Concurrency settings), " +
            "or, in the seconds after it starts, a $search came before its set's search index was built; Retry-After says when to try again." };
    }

    private static OpenApiSchema CollectionEnvelope(IOpenApiSchema item) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["@odata.context"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["@odata.count"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "With $count=true." },
            ["@odata.nextLink"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The next page, when there is one." },
            ["value"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = item },
        },
    };

    private static void Add(OpenApiOperation operation, string name, string description, JsonNode? example, JsonSchemaType type, string? limit)
    {
        if (operation.Parameters!.Any(p => p.Name == name)) return;
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Query,
            Required = false,
            Description = limit is null ? description : $"{description} {limit}",
            Schema = new OpenApiSchema { Type = type, Minimum = type == JsonSchemaType.Integer ? "0" : null },
            Example = example,
        });
    }
}
