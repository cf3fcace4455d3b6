using System.Net;
using System.Text;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Csv;

[Collection(KpiCollection.Name)]
public sealed class CsvTests(KpiApplication app)
{
    private async Task<(HttpResponseMessage Response, byte[] Bytes, List<List<string>> Rows)> GetCsv(string url, bool byAccept = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (byAccept) request.Headers.Accept.ParseAdd("text/csv");
        var response = await app.CreateClient().SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response, bytes, Parse(Encoding.UTF8.GetString(bytes.AsSpan(3))));
    }

    [Fact]
    public async Task CsvIsUtf8WithABomSoExcelShowsVietnamese()
    {
        var (response, bytes, rows) = await GetCsv("/odata/Provinces?$format=csv&$select=Id,Name");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal(["Id", "Name"], rows[0]);
        Assert.Contains(rows, r => r[1] == "Lạng Sơn");
    }

    [Fact]
    public async Task AcceptTextCsvAndFormatCsvGiveTheSameFile()
    {
        var (_, byFormat, _) = await GetCsv("/odata/Indicators?$format=csv&$select=Id,Name,NameEn&$orderby=Id");
        var (_, byAccept, _) = await GetCsv("/odata/Indicators?$select=Id,Name,NameEn&$orderby=Id", byAccept: true);

        Assert.Equal(byFormat, byAccept);
    }

    [Fact]
    public async Task ACsvDownloadIsNeverCutIntoPages()
    {
        var expected = SeedFiles.CatalogueRows.Count;

        var (response, _, rows) = await GetCsv("/odata/CatalogueEntries?$format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(expected > 100);
        Assert.Equal(expected + 1, rows.Count);
        var (_, _, topped) = await GetCsv("/odata/CatalogueEntries?$format=csv&$top=150&$select=Id");
        Assert.Equal(151, topped.Count);
    }

    [Fact]
    public async Task FieldsWithCommasQuotesAndLineBreaksAreQuotedAsRfc4180Says()
    {
        var withComma = SeedFiles.TargetRows.First(r => ((string?)r.Row["value"])?.Contains(',') == true).Row;

        var (_, bytes, rows) = await GetCsv($"/odata/Targets('{withComma["id"]}')?$format=csv&$select=Id,RawValue,SourceLabel");
        var text = Encoding.UTF8.GetString(bytes.AsSpan(3));

        Assert.Contains($"\"{withComma["value"]}\"", text);
        Assert.EndsWith("\r\n", text);
        Assert.Equal((string)withComma["value"]!, rows[1][1]);
        Assert.Equal((string)withComma["label"]!, rows[1][2]);
    }

    // $format names the answer's format, whatever Accept says: JSON, paged, with the $select applied (it was once read as a CSV's).
    [Theory]
    [InlineData("json", "text/csv")]
    [InlineData("json;odata.metadata=none", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("application/json;odata.metadata=minimal", "text/csv")]
    public async Task FormatJsonWinsOverAnAcceptOfATable(string format, string accept)
    {
        var provinces = SeedFiles.Records("provinces.json").Count();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/odata/Provinces?$select=Id&$format={Uri.EscapeDataString(format)}&$top=2");
        request.Headers.Accept.ParseAdd(accept);

        using var response = await app.CreateClient().SendAsync(request);
        var json = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(provinces > 2);
        Assert.Equal(2, json["value"]!.AsArray().Count);
        Assert.All(json["value"]!.AsArray(), row => Assert.Equal(["Id"], row!.AsObject().Select(p => p.Key)));
    }

    // One entity (a single-valued navigation) is a table of one row, with the columns of its own $select and $expand.
    [Fact]
    public async Task TheCsvOfOneEntityHasTheColumnsOfItsSelectAndExpand()
    {
        var units = SeedFiles.Records("units.json").ToDictionary(u => (string)u["id"]!);
        var indicators = SeedFiles.Records("indicators.json").ToDictionary(i => (string)i["id"]!);
        var target = SeedFiles.TargetRows.Select(r => r.Row)
            .First(r => (string?)r["indicatorId"] is { } id && indicators[id]["unitId"] is { } unit && units.ContainsKey((string)unit!));
        var indicator = indicators[(string)target["indicatorId"]!];

        var (response, _, rows) = await GetCsv($"/odata/Targets('{target["id"]}')/Indicator?$format=csv&$select=NameEn,Id&$expand=Unit($select=Name)");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["NameEn", "Id", "Unit/Name"], rows[0]);
        Assert.Equal([(string)indicator["nameEn"]!, (string)indicator["id"]!, (string)units[(string)indicator["unitId"]!]["name"]!], rows[1]);
        Assert.Equal(2, rows.Count);
    }

    [Fact]
    public async Task CsvHonoursFilterOrderByAndSkip()
    {
        var expected = SeedFiles.TargetRows.Where(r => r.DocumentId == "ls-qd136-2024").Select(r => (string)r.Row["id"]!)
            .OrderDescending(StringComparer.Ordinal).Skip(2).ToList();

        var (_, _, rows) = await GetCsv("/odata/Targets?$format=csv&$filter=DocumentId eq 'ls-qd136-2024'&$orderby=Id desc&$skip=2&$select=Id");

        Assert.Equal(expected, rows.Skip(1).Select(r => r[0]));
    }

    [Fact]
    public async Task ExpandedSingleNavigationIsFlattenedIntoColumns()
    {
        var (_, _, rows) = await GetCsv("/odata/Indicators('doctors-per-10000-population')/Targets?$format=csv&$select=Id,RawValue&$expand=Document($select=Number),Indicator($select=NameEn)");

        Assert.Equal(["Id", "RawValue", "Document/Number", "Indicator/NameEn"], rows[0]);
        Assert.Equal(SeedFiles.TargetRows.Count(r => (string?)r.Row["indicatorId"] == "doctors-per-10000-population") + 1, rows.Count);
        Assert.All(rows.Skip(1), r => Assert.Equal("Doctors per 10,000 population", r[3]));
    }

    [Fact]
    public async Task TheDownloadIsNamedAfterTheSetAndDatasetVersion()
    {
        var (response, _, _) = await GetCsv("/odata/Targets?$format=csv&$top=1");
        var version = (string)(await app.GetJson("/"))["dataset"]!["version"]!;

        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal($"openkpi-targets-{version}.csv", response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
    }

    // RFC 4180: fields separated by commas, quoted fields may hold commas, doubled quotes and line breaks.
    internal static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i++; }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        return rows;
    }
}

[Collection(KpiCollection.Name)]
public sealed class CsvSearchTests(KpiApplication app)
{
    [Fact]
    public async Task CsvHonoursSearchLikeJson()
    {
        var (json, _) = await app.GetAllPages("/odata/Targets?$search=bac si&$select=Id");
        var csv = await app.CreateClient().GetStringAsync("/odata/Targets?$search=bac si&$select=Id&$format=csv");

        Assert.Equal(json.Select(r => (string)r["Id"]!), csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
    }
}
