namespace OpenKpi.Api.Http;

/// <summary>Section "ForwardedHeaders": the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed.</summary>
public sealed class ForwardedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies ("10.0.0.5").</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies, in CIDR notation ("10.0.0.0/8").</summary>
    public string[] KnownNetworks { get; set; } = [];
}
