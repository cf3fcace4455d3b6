namespace OpenKpi.Api.Http;

/// <summary>Section "RateLimiting": requests each client address may make per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests a client address may make per window; one more answers 429 with Retry-After.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [System.ComponentModel.DataAnnotations.Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}
