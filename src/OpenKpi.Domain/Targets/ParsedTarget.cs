using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Targets;

/// <summary>A published target read into bounds. <see cref="Comparator"/> is null when the source states no value.</summary>
public sealed record ParsedTarget(Comparator? Comparator, decimal? Lower, decimal? Upper, string? Qualifier)
{
    public static readonly ParsedTarget NotStated = new(null, null, null, null);
    public static readonly ParsedTarget Qualitative = new(Entities.Comparator.Qualitative, null, null, null);
}
