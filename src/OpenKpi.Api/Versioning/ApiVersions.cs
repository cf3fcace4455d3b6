using Asp.Versioning;

namespace OpenKpi.Api.Versioning;

/// <summary>The API versions, named once.</summary>
public static class ApiVersions
{
    public static readonly ApiVersion V1 = new(1, 0);

    /// <summary>The route prefix of the current version, and the one of each version's own path.</summary>
    public const string CurrentPrefix = "odata";
    public const string V1Prefix = "odata/v1";
}
