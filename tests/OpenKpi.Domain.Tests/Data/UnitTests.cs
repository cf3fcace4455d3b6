using System.Text.Json.Nodes;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>Units are joined on by other portals: each published spelling maps to one unit, and scales are right.</summary>
public sealed class UnitTests
{
    private static readonly Dictionary<string, JsonObject> Units = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, "units.json")))!
        .AsArray().Select(u => u!.AsObject()).ToDictionary(u => (string)u["id"]!);

    [Theory]
    [MemberData(nameof(CuratedTables.DocumentIds), MemberType = typeof(CuratedTables))]
    public void EveryPublishedUnitIsASpellingOfTheUnitItPointsTo(string documentId)
    {
        var wrong = CuratedTables.Of(documentId).Rows
            .Where(r => r["unit"] is JsonValue)
            .Where(r => !Spellings((string?)r["unitId"]).Contains((string)r["unit"]!))
            .Select(r => $"{r["id"]}: '{r["unit"]}' is not a spelling of '{r["unitId"]}'")
            .ToList();

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [InlineData("Tỷ đồng", "VND", 1_000_000_000)]
    [InlineData("Nghìn tỷ đồng", "VND", 1_000_000_000_000)]
    [InlineData("1.000 tỷ đồng", "VND", 1_000_000_000_000)]
    [InlineData("Triệu đồng", "VND", 1_000_000)]
    [InlineData("Triệu USD", "USD", 1_000_000)]
    [InlineData("Nghìn lượt", "visit", 1_000)]
    public void ScaledUnitsShareABaseUnit(string spelling, string baseUnit, decimal multiplier)
    {
        var unit = Units.Values.Single(u => Spellings((string)u["id"]!).Contains(spelling));

        Assert.Equal(baseUnit, (string)unit["baseUnit"]!);
        Assert.Equal(multiplier, (decimal)unit["multiplier"]!);
    }

    [Fact]
    public void NoSpellingBelongsToTwoUnits()
    {
        var spellings = Units.Keys.SelectMany(id => Spellings(id).Select(s => (Spelling: s, id))).ToList();

        Assert.Equal(spellings.Count, spellings.Select(s => s.Spelling).Distinct().Count());
    }

    private static HashSet<string> Spellings(string? unitId) =>
        unitId is not null && Units.TryGetValue(unitId, out var unit)
            ? [(string)unit["name"]!, .. unit["spellings"]!.AsArray().Select(s => (string)s!)]
            : [];
}
