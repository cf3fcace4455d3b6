using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>A province, keyed by its ISO 3166-2 code.</summary>
public sealed record Province
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string NameEn { get; init; }

    /// <summary>The province this one became part of in the 2025 reorganisation; null when unchanged.</summary>
    public string? SuccessorId { get; init; }
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Province? Successor { get; init; }
    [BsonIgnore] public IReadOnlyList<Document> Documents { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Target> Targets { get; init; } = [];
}
