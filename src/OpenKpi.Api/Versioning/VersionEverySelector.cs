using Asp.Versioning;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.OData.Routing.Controllers;

namespace OpenKpi.Api.Versioning;

/// <summary>
/// OData adds its route selectors (odata/..., odata/v1/...) after versioning has stamped only the first
/// one with its version metadata; this copies the metadata onto every selector of an OData action.
/// </summary>
public sealed class VersionEverySelector : IApplicationModelProvider
{
    // OnProvidersExecuted runs in reverse order: the lowest order runs last, after OData and versioning.
    public int Order => int.MinValue;

    public void OnProvidersExecuting(ApplicationModelProviderContext context) { }

    public void OnProvidersExecuted(ApplicationModelProviderContext context)
    {
        foreach (var controller in context.Result.Controllers.Where(c => typeof(ODataController).IsAssignableFrom(c.ControllerType)))
        {
            foreach (var action in controller.Actions)
            {
                var metadata = action.Selectors.SelectMany(s => s.EndpointMetadata).OfType<ApiVersionMetadata>().FirstOrDefault();
                if (metadata is null) continue;
                foreach (var selector in action.Selectors.Where(s => !s.EndpointMetadata.OfType<ApiVersionMetadata>().Any()))
                    selector.EndpointMetadata.Add(metadata);
            }
        }
    }
}
