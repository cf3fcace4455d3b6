using System.Globalization;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OData;

[Collection(KpiCollection.Name)]
public sealed class QueryOptionTests(KpiApplication app)
{
    private const int PageSize = 100;

    [Fact]
    public async Task FilterKeepsOnlyMatchingRows()
    {
        var expected = SeedFiles.TargetRows.Count(r => (string?)r.Row["unitId"] == "percent");

        var (rows, _) = await app.GetAllPages("/odata/Targets?$filter=UnitId eq 'percent'");

        Assert.Equal(expected, rows.Count);
        Assert.All(rows, r => Assert.Equal("percent", (string)r["UnitId"]!));
    }

    [Fact]
    public async Task FilterComparesParsedBounds()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$filter=Comparator eq OpenKpi.Comparator'GreaterOrEqual'");

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.True(r["Lower"] is JsonValue && r["Upper"] is null, $"{r["Id"]}: {r["RawValue"]}"));
        var (between, _) = await app.GetAllPages("/odata/Targets?$filter=Comparator eq 'Between' and Lower ge 7");
        Assert.All(between, r => Assert.True((decimal)r["Lower"]! >= 7 && (decimal)r["Upper"]! >= (decimal)r["Lower"]!));
    }

    [Fact]
    public async Task SelectReturnsOnlyTheChosenProperties()
    {
        var page = await app.GetJson("/odata/Indicators?$select=Id,NameEn&$top=3");

        Assert.All(page["value"]!.AsArray(), r => Assert.Equal(["Id", "NameEn"], r!.AsObject().Select(p => p.Key).Order()));
    }

    [Fact]
    public async Task ExpandNestsRelatedEntities()
    {
        var row = SeedFiles.TargetRows.First(r => r.Row["indicatorId"] is JsonValue).Row;
        var group = (string)SeedFiles.Records("indicators.json").Single(i => (string)i["id"]! == (string)row["indicatorId"]!)["groupId"]!;

        var target = await app.GetJson($"/odata/Targets('{row["id"]}')?$expand=Indicator($expand=Group($select=Id)),LeadAgencies($select=Id),Document($select=Number)");

        Assert.Equal((string)row["indicatorId"]!, (string)target["Indicator"]!["Id"]!);
        Assert.Equal(group, (string)target["Indicator"]!["Group"]!["Id"]!);
        Assert.Equal(row["leadAgencyIds"]!.AsArray().Select(a => (string)a!), target["LeadAgencies"]!.AsArray().Select(a => (string)a!["Id"]!));
        Assert.Equal("136/QĐ-UBND", (string)target["Document"]!["Number"]!);
    }

    [Fact]
    public async Task OrderBySortsDescending()
    {
        var (rows, _) = await app.GetAllPages("/odata/CatalogueEntries?$orderby=SourceOrder desc&$select=SourceOrder");

        var orders = rows.Select(r => (int)r["SourceOrder"]!).ToList();
        Assert.Equal(orders.OrderDescending(), orders);
        Assert.Equal(SeedFiles.CatalogueRows.Count, orders.Count);
    }

    [Fact]
    public async Task TopAndSkipWindowTheOrderedRows()
    {
        var all = SeedFiles.CatalogueRows.Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal).ToList();

        var page = await app.GetJson("/odata/CatalogueEntries?$orderby=Id&$skip=5&$top=7&$select=Id");

        Assert.Equal(all.Skip(5).Take(7), page["value"]!.AsArray().Select(r => (string)r!["Id"]!));
    }

    [Fact]
    public async Task ServerPagingCoversEveryRowOnceWithNextLinks()
    {
        var expected = SeedFiles.CatalogueRows.Count;
        Assert.True(expected > PageSize, "the catalogue should need more than one page");

        var (rows, pages) = await app.GetAllPages("/odata/CatalogueEntries?$select=Id");

        Assert.Equal(expected, rows.Count);
        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!).Distinct().Count());
        Assert.Equal((expected + PageSize - 1) / PageSize, pages);
    }

    [Theory]
    [InlineData(150)]
    [InlineData(101)]
    [InlineData(100)]
    [InlineData(12)]
    public async Task TopLargerThanAPageIsHonouredAcrossPages(int top)
    {
        var expected = SeedFiles.CatalogueRows.Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal).Take(top).ToList();

        var (rows, pages) = await app.GetAllPages($"/odata/CatalogueEntries?$orderby=Id&$top={top}&$select=Id&$count=true");

        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!));
        Assert.Equal((top + PageSize - 1) / PageSize, pages);
    }

    [Fact]
    public async Task CountIsTheFilteredTotalNotThePageSize()
    {
        var expected = SeedFiles.CatalogueRows.Count(r => (bool)r.Row["isHeading"]! == false);

        var page = await app.GetJson("/odata/CatalogueEntries?$filter=IsHeading eq false&$count=true");

        Assert.Equal(expected, (int)page["@odata.count"]!);
        Assert.Equal(Math.Min(expected, PageSize), page["value"]!.AsArray().Count);
        Assert.NotNull(page["@odata.nextLink"]);
    }

    [Fact]
    public async Task CountSegmentAnswersAPlainNumber()
    {
        var text = await app.CreateClient().GetStringAsync("/odata/Targets/$count");

        Assert.Equal(SeedFiles.TargetRows.Count, int.Parse(text, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task IndicatorTargetsCompareProvincesThroughNavigation()
    {
        const string doctors = "doctors-per-10000-population";
        var expected = SeedFiles.TargetRows.Where(r => (string?)r.Row["indicatorId"] == doctors).Select(r => (string)r.Row["id"]!).Order().ToList();

        var (rows, _) = await app.GetAllPages($"/odata/Indicators('{doctors}')/Targets?$select=Id,RawValue,ProvinceId");

        Assert.NotEmpty(expected);
        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!).Order());
    }

    [Fact]
    public async Task IndicatorFrequenciesComeFromItsCatalogueRows()
    {
        var row = SeedFiles.CatalogueRows.First(r => r.Row["frequencyIds"]!.AsArray().Count > 1).Row;
        var indicator = (string)row["indicatorId"]!;
        var expected = SeedFiles.CatalogueRows.Where(r => (string?)r.Row["indicatorId"] == indicator)
            .SelectMany(r => r.Row["frequencyIds"]!.AsArray().Select(f => (string)f!)).Distinct().Order(StringComparer.Ordinal);

        var served = await app.GetJson($"/odata/Indicators('{indicator}')?$expand=Frequencies($select=Id)");

        Assert.Equal(expected, served["Frequencies"]!.AsArray().Select(f => (string)f!["Id"]!));
    }

    [Fact]
    public async Task ADocumentsRowsAreReachedThroughNavigation()
    {
        var expected = SeedFiles.CatalogueRows.Count(r => r.DocumentId == "vl-qd999-2025");

        var page = await app.GetJson("/odata/Documents('vl-qd999-2025')/CatalogueEntries?$count=true&$top=1");

        Assert.Equal(expected, (int)page["@odata.count"]!);
    }

    [Theory]
    [InlineData("odata.metadata=none")]
    [InlineData("odata.metadata=full")]
    public async Task MetadataLevelsAreHonoured(string level)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd($"application/json;{level}");

        var body = JsonNode.Parse(await client.GetStringAsync("/odata/Provinces('VN-09')"))!.AsObject();

        Assert.Equal(level.EndsWith("full"), body.ContainsKey("@odata.id"));
        Assert.Equal(level.EndsWith("full"), body.ContainsKey("@odata.context"));
    }
}
