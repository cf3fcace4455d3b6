namespace OpenKpi.Domain.Entities;

/// <summary>A unit of measure as Vietnamese documents write it, with what makes values comparable.</summary>
public sealed record Unit
{
    public required string Id { get; init; }

    /// <summary>The usual published spelling.</summary>
    public required string Name { get; init; }

    /// <summary>Other spellings the sources use for the same unit.</summary>
    public string[] Spellings { get; init; } = [];
    public required string NameEn { get; init; }

    /// <summary>The unit a value is converted into by multiplying it with <see cref="Multiplier"/>.</summary>
    public required string BaseUnit { get; init; }
    public decimal Multiplier { get; init; } = 1;
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }
}
