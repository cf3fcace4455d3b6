using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>An organisation a document names as lead, coordinating or reporting agency.</summary>
public sealed record Agency
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string NameEn { get; init; }

    /// <summary>True where the English name is our translation, not an official one.</summary>
    public bool NameEnProvisional { get; init; }
    public string? ProvinceId { get; init; }
    public required string Kind { get; init; }

    /// <summary>The agencies that took over this one's duties in the 2025 reorganisation.</summary>
    public string[] SuccessorIds { get; init; } = [];
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Province? Province { get; init; }
}
