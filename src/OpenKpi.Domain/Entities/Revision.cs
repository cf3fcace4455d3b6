using LiteDB;

namespace OpenKpi.Domain.Entities;

/// <summary>
/// One published revision of the dataset: when, why, and which records it added, changed and removed (computed by
/// comparing the seeds with the revision before, never typed by hand). Its whole dataset stays downloadable as it was.
/// </summary>
public sealed record Revision
{
    /// <summary>The revision number as text: "1", "2", …; what $deltatoken names.</summary>
    public required string Id { get; init; }
    public required DateOnly PublishedOn { get; init; }

    /// <summary>What changed and why, for people.</summary>
    public required string Summary { get; init; }

    public int Added { get; init; }
    public int Changed { get; init; }
    public int Removed { get; init; }

    /// <summary>The records this revision added, each as its entity set and key: "Agencies('d000-so-vhttdl')".</summary>
    public string[] AddedRecords { get; init; } = [];
    public string[] ChangedRecords { get; init; } = [];
    public string[] RemovedRecords { get; init; } = [];

    /// <summary>The address of the whole dataset as this revision published it (JSON), its size in bytes and SHA-256.</summary>
    public required string DownloadUrl { get; init; }
    public long DownloadSize { get; init; }
    public required string DownloadSha256 { get; init; }

    // What this revision added or changed that is still as it left it (a record changed again later belongs to the later revision).
    [BsonIgnore] public IReadOnlyList<Province> Provinces { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Document> Documents { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Group> Groups { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Unit> Units { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Frequency> Frequencies { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Agency> Agencies { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Indicator> Indicators { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<Target> Targets { get; init; } = [];
    [BsonIgnore] public IReadOnlyList<CatalogueEntry> CatalogueEntries { get; init; } = [];
}
