using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Revisions;

namespace OpenKpi.Domain.Catalogue;

/// <summary>What the importer writes and the store reads: every record, with no navigation links.</summary>
public sealed record CatalogueData
{
    public required DatasetInfo Dataset { get; init; }
    public IReadOnlyList<Province> Provinces { get; init; } = [];
    public IReadOnlyList<Document> Documents { get; init; } = [];
    public IReadOnlyList<Group> Groups { get; init; } = [];
    public IReadOnlyList<Unit> Units { get; init; } = [];
    public IReadOnlyList<Frequency> Frequencies { get; init; } = [];
    public IReadOnlyList<Agency> Agencies { get; init; } = [];
    public IReadOnlyList<Indicator> Indicators { get; init; } = [];
    public IReadOnlyList<Target> Targets { get; init; } = [];
    public IReadOnlyList<CatalogueEntry> CatalogueEntries { get; init; } = [];

    /// <summary>The published revisions, oldest first; the records are those of the last. Empty for a dataset without a revision log (a generated one).</summary>
    public IReadOnlyList<RevisionFile> Revisions { get; init; } = [];
}

/// <summary>Which seeds a database was built from, when, and with which layout.</summary>
public sealed record DatasetInfo
{
    /// <summary>The layout of the database file; a file with another one is rebuilt.</summary>
    public const int CurrentSchema = 3;   // 2: the revision log, and every record's RevisionId; 3: the image in a file of its own

    public string Id { get; init; } = "dataset";

    /// <summary>A hash of the seed files: changes whenever the data does.</summary>
    public required string Version { get; init; }

    /// <summary>The seed files' lengths and last writes when they were hashed (<see cref="Seeding.SeedReader.Stamp"/>): seeds that still match are not hashed again.</summary>
    public string SeedStamp { get; init; } = "";
    public DateTime ImportedAtUtc { get; init; }
    public int Schema { get; init; } = CurrentSchema;

    /// <summary>What built the records (<see cref="CatalogueFingerprint.Current"/>); a database built by other code is rebuilt.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>The length of the records' image file beside the database (<see cref="CatalogueStore.ImagePath"/>).</summary>
    public long ImageLength { get; init; }

    /// <summary>The XXH3 hash of that file's bytes: an image of another write, or a damaged one, is not read.</summary>
    public string ImageChecksum { get; init; } = "";
}

/// <summary>
/// Everything that shapes the records besides the seeds: the build of the domain code (the importer, the target-value parser,
/// the entity types; a deterministic build gives the same source the same id) and the layout of the stored types in full.
/// Fix the parser or reorder an enum, and an existing database no longer matches, so it is rebuilt as a changed seed would be.
/// </summary>
public static class CatalogueFingerprint
{
    public static string Current { get; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        typeof(CatalogueFingerprint).Assembly.ManifestModule.ModuleVersionId.ToString("N") + "\n" + CatalogueImage.Layout)))[..16];
}
