using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>One row of an indicator catalogue: what a province will report, how often and by whom. Sets no target.</summary>
public sealed record CatalogueEntry
{
    public required string Id { get; init; }
    public required string DocumentId { get; init; }
    public string? ProvinceId { get; init; }
    public int Year { get; init; }

    /// <summary>The row number as published ("5.1.1").</summary>
    public required string SourceRow { get; init; }

    /// <summary>The full hierarchical code ("A.XII.5.1.1"); repeats where the published numbering repeats.</summary>
    public required string Code { get; init; }
    public int SourceOrder { get; init; }
    public int SourceLine { get; init; }
    public string? ParentId { get; init; }
    public required string SourceLabel { get; init; }
    public bool IsHeading { get; init; }
    public string? IndicatorId { get; init; }
    public string? PublishedUnit { get; init; }
    public string? UnitId { get; init; }
    public string? Scope { get; init; }
    public string? PublishedFrequency { get; init; }
    public string[] FrequencyIds { get; init; } = [];
    public string? PublishedAgency { get; init; }
    public string? AgencyId { get; init; }
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Document? Document { get; init; }
    [BsonIgnore] public Indicator? Indicator { get; init; }
    [BsonIgnore] public Province? Province { get; init; }
    [BsonIgnore] public Unit? Unit { get; init; }
    [BsonIgnore] public Agency? Agency { get; init; }
    [BsonIgnore] public IReadOnlyList<Frequency> Frequencies { get; init; } = [];
}
