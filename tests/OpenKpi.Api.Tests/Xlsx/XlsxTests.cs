using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Csv;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.OData;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.Xlsx;

[Collection(KpiCollection.Name)]
public sealed class XlsxTests(KpiApplication app)
{
    private const string SpreadsheetMl = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private async Task<(HttpResponseMessage Response, XlsxSheet Sheet)> GetXlsx(string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await app.CreateClient().SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (response, Assert.Single(XlsxWorkbook.Read(await response.Content.ReadAsByteArrayAsync())));
    }

    private async Task<List<List<string>>> GetCsv(string url)
    {
        var bytes = await app.CreateClient().GetByteArrayAsync(url);
        return CsvTests.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));
    }

    private static string WithFormat(string url, string format) => url + (url.Contains('?') ? "&" : "?") + "$format=" + format;

    // The entity type of a set, as the catalogue holds it (Targets: IReadOnlyList<Target>).
    private static Type EntityOf(string set) => typeof(CatalogueSnapshot).GetProperty(set)!.PropertyType.GetGenericArguments()[0];

    // What a column holds: "Province/Name" is the Name of a target's Province.
    private static Type ColumnType(Type entity, string column)
    {
        var type = entity;
        foreach (var name in column.Split('/')) type = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)!.PropertyType;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static CellKind KindOf(Type type) =>
        type == typeof(int) || type == typeof(decimal) ? CellKind.Number
        : type == typeof(bool) ? CellKind.Boolean
        : type == typeof(DateOnly) ? CellKind.Date
        : CellKind.Text;   // strings, enum names, lists of ids

    // The sheet holds the CSV's header and, cell by cell, the CSV's values, each cell of its column's type (empty where the CSV's field is).
    private static void AssertSameTable(Type entity, List<List<string>> csv, XlsxSheet sheet)
    {
        Assert.Equal(csv.Count, sheet.Rows.Count);
        Assert.Equal(csv[0], sheet.Rows[0].Select(c => c.Text));
        Assert.All(sheet.Rows[0], c => Assert.Equal(CellKind.Text, c.Kind));
        var kinds = csv[0].Select(column => KindOf(ColumnType(entity, column))).ToList();
        for (var r = 1; r < csv.Count; r++)
        {
            Assert.Equal(csv[r].Count, sheet.Rows[r].Count);
            for (var c = 0; c < csv[r].Count; c++)
            {
                var (field, cell) = (csv[r][c], sheet.Rows[r][c]);
                var where = $"row {r}, column {csv[0][c]}: CSV '{field}', XLSX {cell}";
                if (field.Length == 0)
                {
                    Assert.True(cell.Kind == CellKind.Empty, where);
                    continue;
                }
                Assert.True(kinds[c] == cell.Kind, where);
                var same = cell.Kind switch
                {
                    CellKind.Number => double.Parse(cell.Text, CultureInfo.InvariantCulture) == (double)decimal.Parse(field, CultureInfo.InvariantCulture),
                    CellKind.Boolean => (cell.Text == "1") == bool.Parse(field),
                    CellKind.Date => DateOnly.FromDateTime(DateTime.FromOADate(double.Parse(cell.Text, CultureInfo.InvariantCulture))).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == field,
                    _ => cell.Text == field,
                };
                Assert.True(same, where);
            }
        }
    }

    [Theory]
    [MemberData(nameof(EntitySetTests.SetsAndSeedCounts), MemberType = typeof(EntitySetTests))]
    public async Task EachSetsXlsxHoldsItsCsvCellByCellWithTypedCells(string set, int expected)
    {
        var (response, sheet) = await GetXlsx($"/odata/{set}?$format=xlsx");
        var csv = await GetCsv($"/odata/{set}?$format=csv");

        Assert.Equal(SpreadsheetMl, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(expected + 1, sheet.Rows.Count);
        Assert.Equal(set, sheet.Name);
        AssertSameTable(EntityOf(set), csv, sheet);
    }

    [Theory]
    [InlineData("Targets", "/odata/Targets?$select=Id,Year,RawValue,Lower,Upper,IsHeading&$expand=Indicator($select=Name;$expand=Unit),Province($select=Name),Document($select=IssuedOn)")]
    [InlineData("Targets", "/odata/Indicators('grdp-growth-rate')/Targets?$select=Id,RawValue,Comparator,Lower,Upper,LeadAgencyIds")]
    [InlineData("Targets", "/odata/Targets('ls-qd136-2024-001')?$expand=Province")]
    [InlineData("Documents", "/odata/Documents?$filter=IssuedOn ne null&$select=Id,IssuedOn,Title&$orderby=IssuedOn desc")]
    public async Task ASelectedExpandedOrNavigatedXlsxHoldsTheSameTableAsItsCsv(string set, string url)
    {
        var (_, sheet) = await GetXlsx(WithFormat(url, "xlsx"));
        var csv = await GetCsv(WithFormat(url, "csv"));

        Assert.True(csv.Count > 1, $"{url} selects no row: the test would prove nothing");
        AssertSameTable(EntityOf(set), csv, sheet);
    }

    [Fact]
    public async Task EveryRawValueIsTheTextThatWasPublishedNotANumber()
    {
        var seeds = SeedFiles.TargetRows.ToDictionary(r => (string)r.Row["id"]!, r => (string?)r.Row["value"]);
        // "8.700" is eight thousand seven hundred with the Vietnamese thousands separator; as a number it would read 8.7.
        Assert.Contains(seeds.Values, v => v is not null && System.Text.RegularExpressions.Regex.IsMatch(v, @"^\d{1,3}(\.\d{3})+$"));

        var (_, sheet) = await GetXlsx("/odata/Targets?$format=xlsx&$select=Id,RawValue,Lower,Upper");

        Assert.Equal(["Id", "RawValue", "Lower", "Upper"], sheet.Rows[0].Select(c => c.Text));
        var rows = sheet.Rows.Skip(1).ToDictionary(r => r[0].Text);
        Assert.Equal(seeds.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, raw) in seeds)
        {
            Assert.Equal(CellKind.Text, rows[id][0].Kind);
            Assert.Equal(raw is null ? new XlsxCell(CellKind.Empty, "") : new XlsxCell(CellKind.Text, raw), rows[id][1]);
            Assert.All(rows[id].Skip(2), c => Assert.Contains(c.Kind, new[] { CellKind.Number, CellKind.Empty }));
        }
        Assert.Contains(rows.Values, r => r[2].Kind == CellKind.Number);
    }

    [Fact]
    public async Task TheHeaderIsBoldAndFrozenAndEachColumnHasAWidthThatFitsItsHeader()
    {
        var (_, sheet) = await GetXlsx("/odata/Indicators?$format=xlsx");

        Assert.True(sheet.HeaderFrozen);
        Assert.True(sheet.HeaderBold);
        Assert.Equal(sheet.Rows[0].Count, sheet.Widths.Count);
        Assert.All(sheet.Rows[0].Zip(sheet.Widths), p => Assert.InRange(p.Second, Math.Min(p.First.Text.Length, 58), 60));
    }

    [Theory]
    [InlineData("/odata/Provinces?$format=XLSX", null)]
    [InlineData("/odata/Provinces?$format=" + SpreadsheetMl, null)]
    [InlineData("/odata/Provinces", SpreadsheetMl)]
    [InlineData("/odata/Provinces", "application/json;q=0.5, " + SpreadsheetMl)]
    public async Task FormatInAnyCaseAndAcceptGiveTheSameWorkbookNamedForTheSet(string url, string? accept)
    {
        var (response, sheet) = await GetXlsx(url, accept);
        var (_, expected) = await GetXlsx("/odata/Provinces?$format=xlsx");
        var version = (string)(await app.GetJson("/"))["dataset"]!["version"]!;

        Assert.Equal(SpreadsheetMl, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"openkpi-provinces-{version}.xlsx", response.Content.Headers.ContentDisposition!.FileName);
        Assert.Equal(expected, sheet, new SheetComparer());
    }

    [Fact]
    public async Task JsonPreferredOverXlsxByQualityStaysJson()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
        request.Headers.TryAddWithoutValidation("Accept", $"{SpreadsheetMl};q=0.2, application/json");

        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("/odata/Indicators?$expand=Targets&$format=xlsx", "XLSX")]
    [InlineData("/odata/Documents?$expand=Province($expand=Targets($top=1))&$format=xlsx", "XLSX")]
    [InlineData("/odata/Targets?$expand=Indicator($filter=Id ne 'x')&$format=xlsx", "XLSX")]
    [InlineData("/odata/Targets?$apply=groupby((ProvinceId))&$format=xlsx", "JSON")]
    public async Task AnXlsxRefusesWhatACsvRefusesWith400(string url, string named)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var csv = await app.CreateClient().GetAsync(url.Replace("$format=xlsx", "$format=csv", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, csv.StatusCode);
        Assert.Contains(named, (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!);
    }

    [Fact]
    public async Task AnXlsxAnswerIsTheSameBytesWheneverItIsWrittenItsEntriesDatedByTheRevision()
    {
        var imported = new DateTimeOffset(2020, 1, 2, 3, 4, 6, TimeSpan.Zero);
        using var fixedApp = new KpiApplication
        {
            Settings = { ["ResponseCache:Enabled"] = "false" },
            LastServices = services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(services, new FixedClock(imported)),
        };
        var client = fixedApp.CreateClient();

        var first = await client.GetByteArrayAsync("/odata/Targets?$format=xlsx&$expand=Province");
        await Task.Delay(TimeSpan.FromSeconds(2.1));   // DOS times count in two seconds: a clock-dated entry would now differ
        var second = await client.GetByteArrayAsync("/odata/Targets?$format=xlsx&$expand=Province");

        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(first));
        var published = DateOnly.Parse((string)Revisions.RevisionLogTests.Files()[^1]["publishedOn"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(zip.Entries, e => Assert.Equal(published.ToDateTime(TimeOnly.MinValue), e.LastWriteTime.DateTime));   // not the import's clock
        Assert.Equal(first, second);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class SheetComparer : IEqualityComparer<XlsxSheet>
    {
        public bool Equals(XlsxSheet? x, XlsxSheet? y) =>
            x!.Name == y!.Name && x.Rows.Count == y.Rows.Count && x.Rows.Zip(y.Rows).All(p => p.First.SequenceEqual(p.Second));

        public int GetHashCode(XlsxSheet obj) => obj.Name.GetHashCode();
    }
}
