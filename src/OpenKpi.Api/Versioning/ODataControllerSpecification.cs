using Asp.Versioning.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.OData.Routing.Controllers;

namespace OpenKpi.Api.Versioning;

/// <summary>Makes API versioning apply to OData controllers, which carry no [ApiController] (it breaks OData start-up).</summary>
public sealed class ODataControllerSpecification : IApiControllerSpecification
{
    public bool IsSatisfiedBy(ControllerModel controller) => typeof(ODataController).IsAssignableFrom(controller.ControllerType);
}
