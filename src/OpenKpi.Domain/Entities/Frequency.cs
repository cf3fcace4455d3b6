namespace OpenKpi.Domain.Entities;

/// <summary>A reporting frequency; the Id is the SDMX code where one fits.</summary>
public sealed record Frequency
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string NameEn { get; init; }

    /// <summary>True when the Id is an SDMX frequency code.</summary>
    public bool IsSdmx { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }
}
