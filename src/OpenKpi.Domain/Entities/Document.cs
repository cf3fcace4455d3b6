using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>A source document and its legal citation.</summary>
public sealed record Document
{
    public required string Id { get; init; }

    /// <summary>The file under seeds/sources the data was curated from.</summary>
    public required string SourceFile { get; init; }

    /// <summary>Null where the source does not name its province.</summary>
    public string? ProvinceId { get; init; }
    /// <summary>Null where the source does not name its issuer.</summary>
    public string? Issuer { get; init; }
    public required string Kind { get; init; }
    public string? Number { get; init; }
    public DateOnly? IssuedOn { get; init; }
    public required string Title { get; init; }
    public string? Appendix { get; init; }
    public int Year { get; init; }
    public DocumentShape Shape { get; init; }
    public string? Note { get; init; }

    /// <summary>The revision in which this record last changed (was added or corrected); null in a dataset that has no revision log.</summary>
    public string? RevisionId { get; init; }

    [BsonIgnore] public Province? Province { get; init; }
    [BsonIgnore] public IReadOnlyList<Target> Targets { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<CatalogueEntry> CatalogueEntries { get; init; } = [];
}
