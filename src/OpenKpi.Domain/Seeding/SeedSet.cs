namespace OpenKpi.Domain.Seeding;

/// <summary>A record as read from a seed file, with where it came from.</summary>
public sealed record Sourced<T>(string File, int Index, T Record);

/// <summary>Everything read from seeds/, before validation.</summary>
public sealed record SeedSet
{
    public IReadOnlyList<Sourced<ProvinceSeed>> Provinces { get; init; } = [];
    public IReadOnlyList<Sourced<DocumentSeed>> Documents { get; init; } = [];
    public IReadOnlyList<Sourced<GroupSeed>> Groups { get; init; } = [];
    public IReadOnlyList<Sourced<UnitSeed>> Units { get; init; } = [];
    public IReadOnlyList<Sourced<FrequencySeed>> Frequencies { get; init; } = [];
    public IReadOnlyList<Sourced<AgencySeed>> Agencies { get; init; } = [];
    public IReadOnlyList<Sourced<IndicatorSeed>> Indicators { get; init; } = [];
    public IReadOnlyList<Sourced<TargetTableSeed>> TargetTables { get; init; } = [];
    public IReadOnlyList<Sourced<CatalogueTableSeed>> CatalogueTables { get; init; } = [];

    /// <summary>A hash of every seed file's bytes: the dataset version clients see.</summary>
    public required string Version { get; init; }

    /// <summary>Each seed file's length and last write when they were hashed (<see cref="SeedReader.Stamp"/>); empty when one was too new to tell.</summary>
    public string Stamp { get; init; } = "";
}
