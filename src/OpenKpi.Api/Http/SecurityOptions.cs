namespace OpenKpi.Api.Http;

/// <summary>Section "Security": switches for deployments that terminate TLS in the app.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Redirect HTTP to HTTPS and send HSTS. Off by default: most deployments terminate TLS in a proxy.</summary>
    public bool EnforceHttps { get; set; }
}

/// <summary>Section "RateLimiting": requests each client address may make per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    public int PermitLimit { get; set; } = 600;
    public int WindowSeconds { get; set; } = 60;
}
