using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OData;

/// <summary>An expanded collection keeps its published order, not the order of its keys.</summary>
[Collection(KpiCollection.Name)]
public sealed class ExpandOrderTests(KpiApplication app)
{
    public static TheoryData<string, string> AgencyLists() => new()
    {
        { "LeadAgencies", "leadAgencyIds" },
        { "CoordinatingAgencies", "coordinatingAgencyIds" },
    };

    private static Dictionary<string, List<string>> Printed(string seedProperty) => SeedFiles.TargetRows.ToDictionary(
        r => (string)r.Row["id"]!, r => r.Row[seedProperty]?.AsArray().Select(id => (string)id!).ToList() ?? []);

    [Theory]
    [MemberData(nameof(AgencyLists))]
    public async Task ExpandedAgenciesComeInTheOrderTheSourcePrintsThem(string navigation, string seedProperty)
    {
        var printed = Printed(seedProperty);
        Assert.Contains(printed.Values, ids => !ids.SequenceEqual(ids.Order(StringComparer.Ordinal)));   // else key order would pass too

        var (rows, _) = await app.GetAllPages($"/odata/Targets?$select=Id&$expand={navigation}($select=Id)");

        Assert.Equal(printed.Count, rows.Count);
        foreach (var row in rows)
            Assert.Equal(printed[(string)row["Id"]!], row[navigation]!.AsArray().Select(a => (string)a!["Id"]!).ToList());
    }

    [Theory]
    [MemberData(nameof(AgencyLists))]
    public async Task ANestedOrderByOrTopStillDoesWhatItSays(string navigation, string seedProperty)
    {
        var printed = Printed(seedProperty);

        var (descending, _) = await app.GetAllPages($"/odata/Targets?$select=Id&$expand={navigation}($select=Id;$orderby=Id desc)");
        var (first, _) = await app.GetAllPages($"/odata/Targets?$select=Id&$expand={navigation}($select=Id;$top=1)");

        foreach (var row in descending)
            Assert.Equal(printed[(string)row["Id"]!].OrderDescending(StringComparer.Ordinal), row[navigation]!.AsArray().Select(a => (string)a!["Id"]!));
        foreach (var row in first)
            Assert.Equal(printed[(string)row["Id"]!].Take(1), row[navigation]!.AsArray().Select(a => (string)a!["Id"]!));
    }
}
