using Microsoft.AspNetCore.OData;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Versioning;

namespace OpenKpi.Api.OData;

public static class ODataExtensions
{
    /// <summary>Controllers and OData v4 at /odata and /odata/v1, one EDM model for both.</summary>
    public static IServiceCollection AddKpiOData(this IServiceCollection services)
    {
        // Building the model takes ~0.4 s of a start-up (the convention builder's reflection). It is built beside
        // the rest of the start-up, loading the catalogue included: the options below are first read when the
        // routes are, once the app runs.
        var model = Task.Run(EdmModelFactory.Build);
        // CSV and XLSX come last: with no Accept header, OData JSON is the default.
        services.AddControllers(options =>
            {
                options.OutputFormatters.Add(new Formatters.CsvOutputFormatter());
                options.OutputFormatters.Add(new Formatters.XlsxOutputFormatter());
                options.ReturnHttpNotAcceptable = true; // Accept: application/pdf answers 406, not JSON it did not ask for
            })
            .AddOData(options =>
            {
                options.Select().Filter().OrderBy().Expand().Count().SetMaxTop(QueryLimits.MaxTop);
                options.RouteOptions.EnableKeyAsSegment = false;
                // Links the library builds (an expanded collection's nextLink) write keys as the routes read them, Documents('…'):
                // its default writes Documents/…, which no route here answers.
                options.UrlKeyDelimiter = Microsoft.OData.ODataUrlKeyDelimiter.Parentheses;
                options.AddRouteComponents(ApiVersions.CurrentPrefix, model.GetAwaiter().GetResult(), RouteServices);
                options.AddRouteComponents(ApiVersions.V1Prefix, model.GetAwaiter().GetResult(), RouteServices);
            });
        services.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApplicationModels.IApplicationModelProvider, NamedKeyRoutes>());
        services.AddOptions<FastPathOptions>().BindConfiguration(FastPathOptions.Section).ValidateOnStart();
        services.AddSingleton<JsonPageWriter>();   // writes the pages a query plan answers whole
        // After the OData formatters are in place: these are asked first and decline what they do not write.
        services.AddOptions<Microsoft.AspNetCore.Mvc.MvcOptions>().PostConfigure(options =>
        {
            options.OutputFormatters.Insert(0, new Formatters.CountFormatter());
            options.OutputFormatters.Insert(0, new Formatters.CsdlJsonFormatter());
        });
        return services;
    }

    private static void RouteServices(IServiceCollection services) => services
        .AddSingleton<Microsoft.AspNetCore.OData.Query.Expressions.ISearchBinder, KpiSearchBinder>()
        .AddSingleton<Microsoft.AspNetCore.OData.Query.Expressions.ISelectExpandBinder, KpiSelectExpandBinder>();
}
