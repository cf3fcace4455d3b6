using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OData;

/// <summary>Filters on a province, year, indicator or document start from the snapshot's lists; they answer exactly as a full scan does.</summary>
[Collection(KpiCollection.Name)]
public sealed class FilterIndexTests(KpiApplication app)
{
    [Theory]
    [InlineData("ProvinceId eq 'VN-09'")]
    [InlineData("Year eq 2023")]
    [InlineData("2024 eq Year and ProvinceId eq 'VN-09'")]
    [InlineData("IndicatorId eq 'doctors-per-10000-population'")]
    [InlineData("DocumentId eq 'ls-qd136-2024' and Lower gt 10")]
    [InlineData("ProvinceId eq 'VN-99'")]
    [InlineData("ProvinceId eq null and Year eq 2024")]
    [InlineData("Year eq 2024 and (ProvinceId eq 'VN-09' or ProvinceId eq 'VN-57')")]
    public async Task AnIndexedFilterAnswersAsAFullScan(string filter)
    {
        // "or Id eq ''" matches nothing more, but an or at the top keeps the filter from using a list.
        var indexed = await app.GetAllPages($"/odata/Targets?$filter={filter}&$select=Id");
        var scanned = await app.GetAllPages($"/odata/Targets?$filter=({filter}) or Id eq ''&$select=Id");

        Assert.Equal(scanned.Rows.Select(r => (string)r["Id"]!), indexed.Rows.Select(r => (string)r["Id"]!));
    }

    [Fact]
    public async Task AProvinceYearFilterFindsEveryTargetOfThatProvinceAndYear()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$filter=ProvinceId eq 'VN-57' and Year eq 2023&$select=Id");

        var expected = SeedFiles.TargetRows.Where(r => r.DocumentId == "bd-kh2023-2023").Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!).Order(StringComparer.Ordinal));
    }
}
