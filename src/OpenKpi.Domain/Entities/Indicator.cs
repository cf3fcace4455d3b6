using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>A concept that rows of several documents measure: the same quantity shares one Indicator across provinces.</summary>
public sealed record Indicator
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string NameEn { get; init; }
    public bool NameEnProvisional { get; init; }
    public required string GroupId { get; init; }
    public required string UnitId { get; init; }
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Group? Group { get; init; }
    [BsonIgnore] public Unit? Unit { get; init; }

    /// <summary>The frequencies the catalogues report this indicator at.</summary>
    [BsonIgnore] public IReadOnlyList<Frequency> Frequencies { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Target> Targets { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<CatalogueEntry> CatalogueEntries { get; init; } = [];
}
