using System.Text.Json.Nodes;
using System.Xml.Linq;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OData;

[Collection(KpiCollection.Name)]
public sealed class EntitySetTests(KpiApplication app)
{
    public static TheoryData<string, int> SetsAndSeedCounts() => new()
    {
        { "Provinces", SeedFiles.Array("provinces.json").Count },
        { "Documents", SeedFiles.Array("documents.json").Count },
        { "Groups", SeedFiles.Array("groups.json").Count },
        { "Units", SeedFiles.Array("units.json").Count },
        { "Frequencies", SeedFiles.Array("frequencies.json").Count },
        { "Agencies", SeedFiles.Agencies.Count() },
        { "Indicators", SeedFiles.Array("indicators.json").Count },
        { "Targets", SeedFiles.TargetRows.Count },
        { "CatalogueEntries", SeedFiles.CatalogueRows.Count },
        { "Revisions", Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "revisions"), "*.json").Length },
    };

    /// <summary>The sets of the dataset itself, which the whole-dataset downloads hold: all but the revision log, whose datasets are downloads of their own.</summary>
    public static TheoryData<string, int> DatasetSetsAndSeedCounts()
    {
        var sets = new TheoryData<string, int>();
        foreach (var row in SetsAndSeedCounts().Where(row => (string)row[0] != "Revisions")) sets.Add((string)row[0], (int)row[1]);
        return sets;
    }

    [Theory]
    [MemberData(nameof(SetsAndSeedCounts))]
    public async Task EachEntitySetServesEveryRecordOfItsSeeds(string set, int expected)
    {
        var (rows, _) = await app.GetAllPages($"/odata/{set}");
        var counted = await app.GetJson($"/odata/{set}?$count=true&$top=0");

        Assert.Equal(expected, rows.Count);
        Assert.Equal(expected, (int)counted["@odata.count"]!);
        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!).Distinct().Count());
    }

    [Fact]
    public async Task TheServiceDocumentListsEveryEntitySet()
    {
        var document = await app.GetJson("/odata");

        var names = document["value"]!.AsArray().Select(s => (string)s!["name"]!).ToHashSet();
        Assert.Equal(SetsAndSeedCounts().Select(row => (string)row[0]).ToHashSet(), names);
    }

    [Fact]
    public async Task TheMetadataDeclaresEverySetWithItsKey()
    {
        var xml = XDocument.Parse(await app.CreateClient().GetStringAsync("/odata/$metadata"));
        XNamespace edm = "http://docs.oasis-open.org/odata/ns/edm";

        var sets = xml.Descendants(edm + "EntitySet").Select(s => (string)s.Attribute("Name")!).ToHashSet();
        Assert.Equal(SetsAndSeedCounts().Select(row => (string)row[0]).ToHashSet(), sets);
        foreach (var type in xml.Descendants(edm + "EntityType"))
            Assert.Equal("Id", (string)type.Element(edm + "Key")!.Element(edm + "PropertyRef")!.Attribute("Name")!);
        var comparator = xml.Descendants(edm + "EnumType").Single(e => (string)e.Attribute("Name")! == "Comparator");
        Assert.Equal(["Equal", "Approximately", "LessThan", "LessOrEqual", "GreaterThan", "GreaterOrEqual", "Between", "Qualitative"],
            comparator.Elements(edm + "Member").Select(m => (string)m.Attribute("Name")!));
    }

    [Fact]
    public async Task EveryTargetKeepsItsPublishedWordingAndValue()
    {
        var (served, _) = await app.GetAllPages("/odata/Targets");
        var byId = served.ToDictionary(t => (string)t["Id"]!);

        foreach (var (documentId, row) in SeedFiles.TargetRows)
        {
            var target = byId[(string)row["id"]!];
            Assert.Equal(documentId, (string)target["DocumentId"]!);
            Assert.Equal((string?)row["label"], (string?)target["SourceLabel"]);
            Assert.Equal((string?)row["value"], (string?)target["RawValue"]);
            Assert.Equal((string?)row["row"], (string?)target["SourceRow"]);
            Assert.Equal((int)row["order"]!, (int)target["SourceOrder"]!);
            Assert.Equal((string?)row["unit"], (string?)target["PublishedUnit"]);
            Assert.Equal((string?)row["indicatorId"], (string?)target["IndicatorId"]);
        }
    }

    [Fact]
    public async Task EveryLangSonTargetIsServedForItsProvinceAndYear()
    {
        var expected = SeedFiles.TargetRows.Where(r => r.DocumentId == "ls-qd136-2024").Select(r => (string)r.Row["id"]!).ToList();

        var (served, _) = await app.GetAllPages("/odata/Targets?$filter=ProvinceId eq 'VN-09' and Year eq 2024&$orderby=SourceOrder&$select=Id");

        Assert.Equal(expected, served.Select(t => (string)t["Id"]!));
    }

    [Fact]
    public async Task EveryMeasuredCatalogueRowIsServedWithItsIndicator()
    {
        var (indicators, _) = await app.GetAllPages("/odata/Indicators?$select=Id");
        var ids = indicators.Select(i => (string)i["Id"]!).ToHashSet();

        var measured = SeedFiles.CatalogueRows.Where(r => (bool)r.Row["isHeading"]! == false).ToList();

        Assert.NotEmpty(measured);
        Assert.All(measured, r => Assert.Contains((string)r.Row["indicatorId"]!, ids));
    }

    [Fact]
    public async Task ATargetIsFoundByItsKey()
    {
        var row = SeedFiles.TargetRows.First(r => r.Row["value"] is JsonValue).Row;

        var target = await app.GetJson($"/odata/Targets('{row["id"]}')");

        Assert.Equal((string)row["value"]!, (string)target["RawValue"]!);
        Assert.Equal((string)row["label"]!, (string)target["SourceLabel"]!);
    }

    [Fact]
    public async Task EveryDocumentCarriesItsCitationAndSourceFile()
    {
        var (served, _) = await app.GetAllPages("/odata/Documents");
        var byId = served.ToDictionary(d => (string)d["Id"]!);

        foreach (var seed in SeedFiles.Records("documents.json"))
        {
            var document = byId[(string)seed["id"]!];
            Assert.Equal((string?)seed["number"], (string?)document["Number"]);
            Assert.Equal((string?)seed["title"], (string?)document["Title"]);
            Assert.Equal((string?)seed["issuedOn"], (string?)document["IssuedOn"]);
            Assert.Equal((string?)seed["provinceId"], (string?)document["ProvinceId"]);
            Assert.Equal((string?)seed["sourceFile"], (string?)document["SourceFile"]);
            Assert.Equal((string?)seed["issuer"], (string?)document["Issuer"]);
        }
    }

    [Fact]
    public async Task DocumentsFilterByTheirIssueDate()
    {
        var expected = SeedFiles.Records("documents.json").Where(d => string.CompareOrdinal((string?)d["issuedOn"], "2025-01-01") >= 0)
            .Select(d => (string)d["id"]!).Order(StringComparer.Ordinal);

        var (served, _) = await app.GetAllPages("/odata/Documents?$filter=IssuedOn ge 2025-01-01&$orderby=Id&$select=Id");

        Assert.Equal(expected, served.Select(d => (string)d["Id"]!));
    }

    [Fact]
    public async Task ProvincesAreKeyedByIsoCodeWithNamesInBothLanguages()
    {
        foreach (var seed in SeedFiles.Records("provinces.json"))
        {
            var province = await app.GetJson($"/odata/Provinces('{seed["id"]}')");
            Assert.Matches("^VN-[0-9A-Z]{2}$", (string)province["Id"]!);
            Assert.Equal((string)seed["name"]!, (string)province["Name"]!);
            Assert.Equal((string)seed["nameEn"]!, (string)province["NameEn"]!);
            Assert.Equal((string?)seed["successorId"], (string?)province["SuccessorId"]);
        }
    }
}
