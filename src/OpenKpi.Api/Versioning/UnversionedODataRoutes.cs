using Asp.Versioning;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Versioning;

/// <summary>
/// Versioning for what Asp.Versioning.Mvc does not see: /odata/v{n}/ paths of versions that have no
/// routes (which would otherwise be 404), and the service document and $metadata, which the OData
/// library serves from its own controller. Both answer 400 for an unknown version, like entity sets do.
/// </summary>
public sealed class UnversionedODataRoutes(RequestDelegate next, IApiVersionParser parser)
{
    private static readonly string Supported = ApiVersions.V1.ToString();

    public Task InvokeAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length == 0 || !segments[0].Equals(ApiVersions.CurrentPrefix, StringComparison.OrdinalIgnoreCase)) return next(context);

        // Every /odata answer names the supported versions, errors and the library's own documents included.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.TryAdd("api-supported-versions", Supported);
            return Task.CompletedTask;
        });

        var rest = segments.Skip(1).ToArray();
        if (rest.Length > 0 && ODataPathVersionReader.TryMajor(rest[0], out var major))
        {
            if (major != ApiVersions.V1.MajorVersion) return Reject(context, rest[0]);
            rest = rest[1..];
        }
        var isModelDocument = rest.Length == 0 || (rest.Length == 1 && rest[0] == "$metadata");
        if (!isModelDocument) return next(context);

        var requested = context.Request.Query["api-version"];
        if (requested.Count == 0) return next(context);
        return requested.Count == 1 && parser.TryParse(requested[0], out var version) && version == ApiVersions.V1
            ? next(context)
            : Reject(context, requested.ToString());
    }

    private static Task Reject(HttpContext context, string version)
    {
        return ODataErrors.Write(context, StatusCodes.Status400BadRequest, "UnsupportedApiVersion",
            $"The API version '{version}' is not supported. Supported versions: {Supported} (/odata, /odata/v1 or ?api-version={Supported}).");
    }
}
