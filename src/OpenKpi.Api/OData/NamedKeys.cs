using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.OData;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Routing;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using Microsoft.AspNetCore.OData.Routing.Template;
using Microsoft.Extensions.Options;

namespace OpenKpi.Api.OData;

/// <summary>
/// Keys also in the named form the OData ABNF allows, Targets(Id='…'), which SAP's clients send: every route the library's
/// conventions made with a key (by key, its navigations, their /$count) gets a twin whose key segment names the key property.
/// The library writes a single key only as Targets('…'), and reads Id='…' as the value of that key, which is no string: 404.
/// </summary>
public sealed class NamedKeyRoutes(IOptions<ODataOptions> options) : IApplicationModelProvider
{
    // OnProvidersExecuted runs from the highest order down: after the library's conventions (100), before VersionEverySelector.
    public int Order => 0;

    public void OnProvidersExecuting(ApplicationModelProviderContext context) { }

    public void OnProvidersExecuted(ApplicationModelProviderContext context)
    {
        foreach (var action in context.Result.Controllers.Where(c => typeof(ODataController).IsAssignableFrom(c.ControllerType)).SelectMany(c => c.Actions))
        {
            foreach (var selector in action.Selectors.ToList())
            {
                if (selector.EndpointMetadata.OfType<ODataRoutingMetadata>().FirstOrDefault() is not { } route
                    || !route.Template.OfType<KeySegmentTemplate>().Any()) continue;
                var named = new ODataPathTemplate(route.Template.Select(s => s is KeySegmentTemplate key ? new NamedKeySegmentTemplate(key) : s));
                var methods = selector.EndpointMetadata.OfType<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>().SelectMany(m => m.HttpMethods);
                action.AddSelector(string.Join(',', methods), route.Prefix, route.Model, named, options.Value.RouteOptions);
                action.Selectors[^1].EndpointMetadata.Add(NamedKeyRoute.Instance);
            }
        }
    }

    /// <summary>A key segment written Id={key}; read as the library reads Targets({key}).</summary>
    private sealed class NamedKeySegmentTemplate(KeySegmentTemplate key) : ODataSegmentTemplate
    {
        public override IEnumerable<string> GetTemplates(ODataRouteOptions options) =>
            [$"({string.Join(',', key.KeyMappings.Select(k => $"{k.Key}={{{k.Value}}}"))})"];

        public override bool TryTranslate(ODataTemplateTranslateContext context) => key.TryTranslate(context);
    }
}

/// <summary>Marks the named-key twin of a route: the OpenAPI document lists each operation once, in the form Targets('…').</summary>
public sealed class NamedKeyRoute
{
    public static readonly NamedKeyRoute Instance = new();

    private NamedKeyRoute() { }
}
