using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>One row of a published target table: the wording and value as published beside the parsed form.</summary>
public sealed record Target
{
    public required string Id { get; init; }

    /// <summary>Null only for a heading row that groups the rows below it.</summary>
    public string? IndicatorId { get; init; }

    /// <summary>Null where the source does not name its province.</summary>
    public string? ProvinceId { get; init; }
    public int Year { get; init; }
    public required string DocumentId { get; init; }

    /// <summary>The row number as published; null for an unnumbered sub-row.</summary>
    public string? SourceRow { get; init; }

    /// <summary>The row's position in the published table, from 1.</summary>
    public int SourceOrder { get; init; }

    /// <summary>The line of the source file where the row starts.</summary>
    public int SourceLine { get; init; }
    public string? ParentId { get; init; }
    public string? Section { get; init; }

    /// <summary>For a target stated in running text rather than a table: where in the document it stands ("II.8, đoạn 2").</summary>
    public string? SourceParagraph { get; init; }
    public required string SourceLabel { get; init; }
    public bool IsHeading { get; init; }

    /// <summary>The target as published; null when the cell is empty.</summary>
    public string? RawValue { get; init; }

    /// <summary>Null when the source states no value.</summary>
    public Comparator? Comparator { get; init; }
    public decimal? Lower { get; init; }
    public decimal? Upper { get; init; }

    /// <summary>Words that follow the number in the published value ("tổng số án khởi tố").</summary>
    public string? ValueQualifier { get; init; }
    public string? PublishedUnit { get; init; }
    public string? UnitId { get; init; }
    public bool UnitInherited { get; init; }

    /// <summary>The first lead agency; all of them are in <see cref="LeadAgencyIds"/>.</summary>
    public string? LeadAgencyId { get; init; }
    public string[] LeadAgencyIds { get; init; } = [];
    public string[] CoordinatingAgencyIds { get; init; } = [];
    public string? PublishedLeadAgency { get; init; }
    public string? PublishedCoordinatingAgencies { get; init; }

    /// <summary>True when the agency cells are empty and the parent row's agencies apply.</summary>
    public bool AgencyInherited { get; init; }
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Indicator? Indicator { get; init; }
    [BsonIgnore] public Province? Province { get; init; }
    [BsonIgnore] public Document? Document { get; init; }
    [BsonIgnore] public Unit? Unit { get; init; }
    [BsonIgnore] public Agency? LeadAgency { get; init; }
    [BsonIgnore] public IReadOnlyList<Agency> LeadAgencies { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Agency> CoordinatingAgencies { get; init; } = [];
}
