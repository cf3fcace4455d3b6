namespace OpenKpi.Domain.Seeding;

/// <summary>The ids every record may refer to, gathered once so validators can check references.</summary>
public sealed class SeedReferences(SeedSet seeds, string seedDirectory)
{
    public string SeedDirectory { get; } = seedDirectory;
    public HashSet<string> ProvinceIds { get; } = Ids(seeds.Provinces.Select(p => p.Record.Id));
    public Dictionary<string, DocumentSeed> Documents { get; } = seeds.Documents
        .Where(d => d.Record.Id is not null).DistinctBy(d => d.Record.Id).ToDictionary(d => d.Record.Id!, d => d.Record, StringComparer.Ordinal);
    public HashSet<string> GroupIds { get; } = Ids(seeds.Groups.Select(g => g.Record.Id));
    public HashSet<string> UnitIds { get; } = Ids(seeds.Units.Select(u => u.Record.Id));
    public HashSet<string> FrequencyIds { get; } = Ids(seeds.Frequencies.Select(f => f.Record.Id));
    public HashSet<string> AgencyIds { get; } = Ids(seeds.Agencies.Select(a => a.Record.Id));
    public HashSet<string> IndicatorIds { get; } = Ids(seeds.Indicators.Select(i => i.Record.Id));

    private static HashSet<string> Ids(IEnumerable<string?> ids) => ids.OfType<string>().ToHashSet(StringComparer.Ordinal);
}
