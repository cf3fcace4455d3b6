using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using Microsoft.OpenApi;
using OpenKpi.Api.OData;
using OpenKpi.Api.Versioning;

namespace OpenKpi.Api.OpenApi;

public static class OpenApiExtensions
{
    public const string DocumentName = "v1";

    /// <summary>The OpenAPI document of the /odata routes, with their query options, generated from the same EDM model and limits.</summary>
    public static IServiceCollection AddKpiOpenApi(this IServiceCollection services)
    {
        // Schema names and casing match the EDM (PascalCase); enums are documented by name, as OData writes them.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options =>
        {
            options.JsonSerializerOptions.PropertyNamingPolicy = null;
            options.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddSingleton<OperationExamples>();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "OpenKpi",
                Version = ApiVersions.V1.ToString(),
                Description = "Vietnamese provincial indicators and published targets, read-only, over OData v4. " +
                    "Every path is also served under /odata/v1 and accepts ?api-version=1.0. " +
                    "The CSDL model is at /odata/$metadata. " +
                    $"Limits: $top of any size, answered in pages of {QueryLimits.PageSize} rows (PageSize; follow @odata.nextLink, which carries the $top that remains); " +
                    $"$expand at most {QueryLimits.MaxExpansionDepth} deep (MaxExpansionDepth); $filter at most {QueryLimits.MaxNodeCount} nodes (MaxNodeCount); " +
                    $"any/all at most {QueryLimits.MaxAnyAllExpressionDepth} deep (MaxAnyAllExpressionDepth); $orderby at most {QueryLimits.MaxOrderByNodeCount} clauses (MaxOrderByNodeCount); " +
                    $"$search at most {QueryLimits.MaxSearchTerms} terms (MaxSearchTerms); URLs at most {QueryLimits.MaxUrlLength} characters (MaxUrlLength, else 414); " +
                    $"request headers at most {QueryLimits.MaxRequestHeadersBytes} bytes (MaxRequestHeadersBytes, else 431). " +
                    $"Cost, in $filter, $orderby, $apply and nested $expand alike: function calls nested at most {QueryLimits.MaxFunctionNesting} deep (MaxFunctionNesting); " +
                    $"at most {QueryLimits.MaxStringFunctionCalls} string-function calls (MaxStringFunctionCalls); matchesPattern and $compute are not offered; " +
                    $"any/all and $count over collections visit at most {QueryLimits.MaxLambdaItems:N0} items, counted as rows times the largest collection crossed (MaxLambdaItems); " +
                    $"a JSON answer holds at most {QueryLimits.MaxEntitiesPerAnswer:N0} entities, expansions included (MaxEntitiesPerAnswer); " +
                    $"a page ordered by a computed $orderby ends at most {QueryLimits.MaxComputedOrderWindow:N0} rows deep (MaxComputedOrderWindow); " +
                    $"a CSV or XLSX at most {QueryLimits.MaxCsvRows:N0} rows (MaxCsvRows) and {QueryLimits.MaxCsvFields:N0} fields (MaxCsvFields), with single-valued expansions only; " +
                    $"a query evaluates for at most {QueryLimits.MaxEvaluationMilliseconds} ms (MaxEvaluationMilliseconds). Each answers 400 naming the limit. " +
                    "When the service is evaluating as many queries as it takes, 503 with Retry-After. " +
                    $"Rate limit: {new Http.RateLimitOptions().PermitLimit} requests per {new Http.RateLimitOptions().WindowSeconds} s per client address by default (else 429 with Retry-After).",
                License = new OpenApiLicense { Name = "CC BY 4.0 (the curated data)", Url = new Uri("https://creativecommons.org/licenses/by/4.0/") },
            });
            options.DocInclusionPredicate((_, description) => IsDocumented(description));
            options.CustomOperationIds(OperationId);
            options.SchemaFilter<EdmSchemaFilter>();
            options.OperationFilter<ODataQueryOptionsFilter>();
            options.DocumentFilter<UnusedSchemasFilter>();
            options.DocumentFilter<PublicApiDocumentFilter>();
            options.DocumentFilter<QuotedKeyPathsFilter>();
            options.SupportNonNullableReferenceTypes();
            var xml = Path.Combine(AppContext.BaseDirectory, $"{typeof(OpenApiExtensions).Assembly.GetName().Name}.xml");
            if (File.Exists(xml)) options.IncludeXmlComments(xml);
            var domainXml = Path.Combine(AppContext.BaseDirectory, "OpenKpi.Domain.xml");
            if (File.Exists(domainXml)) options.IncludeXmlComments(domainXml);
        });
        return services;
    }

    public static WebApplication UseKpiOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "OpenKpi v1");
            options.DocumentTitle = "OpenKpi API";
        });
        return app;
    }

    // The current-version paths only (the /odata/v1 copies are identical, the named-key twins too); not the library's $metadata controller.
    private static bool IsDocumented(ApiDescription description) =>
        description.ActionDescriptor is ControllerActionDescriptor action
        && !action.EndpointMetadata.OfType<NamedKeyRoute>().Any()
        && typeof(ODataController).IsAssignableFrom(action.ControllerTypeInfo)
        && action.ControllerTypeInfo.Assembly == typeof(OpenApiExtensions).Assembly
        && description.RelativePath is { } path
        && path.StartsWith(ApiVersions.CurrentPrefix + "/", StringComparison.Ordinal)
        && !path.StartsWith(ApiVersions.V1Prefix + "/", StringComparison.Ordinal);

    // "odata/Indicators({key})/Targets/$count" → "Indicators_GetTargets_Count".
    private static string OperationId(ApiDescription description)
    {
        var action = (ControllerActionDescriptor)description.ActionDescriptor;
        var path = description.RelativePath ?? "";
        var byKey = action.ActionName == "Get" && path.Contains("{key}", StringComparison.Ordinal) ? "ByKey" : "";
        var count = path.EndsWith("/$count", StringComparison.Ordinal) ? "_Count" : "";
        return $"{action.ControllerName}_{action.ActionName}{byKey}{count}";
    }

    internal static bool IsCollection(ApiDescription description, out Type? elementType)
    {
        var action = (ControllerActionDescriptor)description.ActionDescriptor;
        elementType = null;
        var returnType = action.MethodInfo.ReturnType;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(IQueryable<>))
        {
            elementType = returnType.GetGenericArguments()[0];
            return true;
        }
        // Navigation actions return IActionResult: the element type is that of the navigation property.
        var entity = action.ControllerTypeInfo.GetMethod("Get", Type.EmptyTypes)?.ReturnType.GetGenericArguments()[0];
        var property = action.ActionName.StartsWith("Get", StringComparison.Ordinal) && action.ActionName.Length > 3
            ? entity?.GetProperty(action.ActionName[3..], BindingFlags.Public | BindingFlags.Instance)
            : null;
        if (property is null)
        {
            elementType = returnType.IsGenericType ? returnType.GetGenericArguments()[0] : entity;
            return false;
        }
        var many = property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>);
        elementType = many ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
        return many;
    }
}
