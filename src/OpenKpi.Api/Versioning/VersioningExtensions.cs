using Asp.Versioning;
using Asp.Versioning.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpenKpi.Api.Versioning;

public static class VersioningExtensions
{
    /// <summary>Versions every OData route: /odata (current), /odata/v1 and ?api-version=1.0; unknown versions answer 400.</summary>
    public static IServiceCollection AddKpiVersioning(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiControllerSpecification, ODataControllerSpecification>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApplicationModelProvider, VersionEverySelector>());
        services.AddApiVersioning(options =>
            {
                options.DefaultApiVersion = ApiVersions.V1;
                options.AssumeDefaultVersionWhenUnspecified = true;
                options.ReportApiVersions = true;
                options.ApiVersionReader = ApiVersionReader.Combine(new QueryStringApiVersionReader("api-version"), new ODataPathVersionReader());
            })
            .AddMvc(options =>
            {
                // Every OData controller, the library's metadata controller included, serves v1.
                options.Conventions.Add(new VersionODataControllers());
            });
        return services;
    }

    /// <summary>Unknown versions in /odata/v{n}/ paths, and on the service document and $metadata, answer 400.</summary>
    public static WebApplication UseUnversionedODataRoutes(this WebApplication app)
    {
        app.UseMiddleware<UnversionedODataRoutes>();
        return app;
    }

    private sealed class VersionODataControllers : Asp.Versioning.Conventions.IControllerConvention
    {
        public bool Apply(Asp.Versioning.Conventions.IControllerConventionBuilder builder, ControllerModel controller)
        {
            if (!typeof(ODataController).IsAssignableFrom(controller.ControllerType)) return false;
            builder.HasApiVersion(ApiVersions.V1);
            return true;
        }
    }
}
