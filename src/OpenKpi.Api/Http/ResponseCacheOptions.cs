namespace OpenKpi.Api.Http;

/// <summary>Section "ResponseCache": the serialised answers kept for repeated queries.</summary>
public sealed class ResponseCacheOptions
{
    public const string Section = "ResponseCache";

    /// <summary>Off only to measure the uncached path.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Memory the cached answers may take in all.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 65_536)]
    public int SizeLimitMegabytes { get; set; } = 64;

    /// <summary>A larger answer (a whole-set CSV, say) is served but not kept.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_048_576)]
    public int MaxEntryKilobytes { get; set; } = 1024;
}
