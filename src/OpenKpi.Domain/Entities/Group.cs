using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>A theme of the shared taxonomy every Indicator belongs to.</summary>
public sealed record Group
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string NameEn { get; init; }
    public string? ParentId { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Group? Parent { get; init; }
    [BsonIgnore] public IReadOnlyList<Indicator> Indicators { get; init; } = [];
}
