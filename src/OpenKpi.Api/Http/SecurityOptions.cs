namespace OpenKpi.Api.Http;

/// <summary>Section "Security": switches for deployments that terminate TLS in the app.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Redirect HTTP to HTTPS and send HSTS. Off by default: most deployments terminate TLS in a proxy.</summary>
    public bool EnforceHttps { get; set; }
}
