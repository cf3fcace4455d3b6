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
    [InlineData("ProvinceId eq 'vn-09'")]
    [InlineData("DocumentId eq 'ls-qd136-2024'")]
    [InlineData("Year eq 2024 and Year eq 2023")]
    [InlineData("Year eq 2024 and ProvinceId eq 'VN-09' and IndicatorId eq 'doctors-per-10000-population'")]
    [InlineData("ProvinceId eq 'VN-09' and Year eq 2031")]
    [InlineData("ProvinceId eq 'VN-09' and Year eq 2024.0")]
    [InlineData("ProvinceId eq 'VN-09' and DocumentId eq 'ls-qd136-2024'")]
    public async Task AnIndexedFilterAnswersAsAFullScan(string filter)
    {
        // "or Id eq ''" matches nothing more, but an or at the top keeps the filter from using a list.
        var indexed = await app.GetAllPages($"/odata/Targets?$filter={filter}&$select=Id");
        var scanned = await app.GetAllPages($"/odata/Targets?$filter=({filter}) or Id eq ''&$select=Id");

        Assert.Equal(scanned.Rows.Select(r => (string)r["Id"]!), indexed.Rows.Select(r => (string)r["Id"]!));
    }

    // When the list is the whole answer the filter does not run: counts, pages and order must not notice.
    [Theory]
    [InlineData("ProvinceId eq 'VN-09'")]
    [InlineData("Year eq 2024 and ProvinceId eq 'VN-09'")]
    [InlineData("IndicatorId eq 'doctors-per-10000-population'")]
    [InlineData("Year eq 2024")]
    public async Task AnAnswerThatIsAListCountsPagesAndSortsAsAFullScan(string filter)
    {
        var scan = $"({filter}) or Id eq ''";
        Assert.Equal(await Text($"/odata/Targets/$count?$filter={scan}"), await Text($"/odata/Targets/$count?$filter={filter}"));
        Assert.Equal(await Text($"/odata/Targets?$filter={scan}&$count=true&$top=3&$skip=1&$select=Id"),
            (await Text($"/odata/Targets?$filter={filter}&$count=true&$top=3&$skip=1&$select=Id")).Replace($"$filter={Uri.EscapeDataString(filter)}", $"$filter={Uri.EscapeDataString(scan)}"));
        Assert.Equal(await Text($"/odata/Targets?$filter={scan}&$orderby=Upper desc,Id&$select=Id,Upper&$format=csv"),
            await Text($"/odata/Targets?$filter={filter}&$orderby=Upper desc,Id&$select=Id,Upper&$format=csv"));
    }

    private async Task<string> Text(string url) => await app.CreateClient().GetStringAsync(url);

    [Fact]
    public async Task AProvinceYearFilterFindsEveryTargetOfThatProvinceAndYear()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$filter=ProvinceId eq 'VN-57' and Year eq 2023&$select=Id");

        var expected = SeedFiles.TargetRows.Where(r => r.DocumentId == "bd-kh2023-2023").Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Select(r => (string)r["Id"]!).Order(StringComparer.Ordinal));
    }
}

/// <summary>The API over a small generated national dataset: provinces with targets for many years.</summary>
public sealed class GeneratedNationalApplication : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"openkpi-national-{Guid.NewGuid():N}");

    public GeneratedNationalApplication()
    {
        OpenKpi.Domain.Generation.NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, _folder, 12000, seed: 11);
        App = new KpiApplication { SeedDirectory = _folder };
    }

    public KpiApplication App { get; }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>At national scale a province has targets for many years: a province-year filter reads its own list, and answers as a full scan does.</summary>
public sealed class NationalFilterIndexTests(GeneratedNationalApplication national) : IClassFixture<GeneratedNationalApplication>
{
    [Fact]
    public async Task EveryProvinceYearAnswersAsAFullScan()
    {
        var (all, _) = await national.App.GetAllPages("/odata/Targets?$select=Id,ProvinceId,Year");
        var pairs = all.Where(r => r["ProvinceId"] is not null).GroupBy(r => ((string)r["ProvinceId"]!, (int)r["Year"]!)).ToList();
        var province = pairs.GroupBy(p => p.Key.Item1).OrderByDescending(g => g.Count()).First();
        Assert.True(province.Count() > 1, "the generated dataset should give a province several years");

        foreach (var year in province.Select(p => p.Key.Item2).Take(4))
        {
            var filter = $"ProvinceId eq '{province.Key}' and Year eq {year}";
            var indexed = await national.App.GetAllPages($"/odata/Targets?$filter={filter}&$select=Id");
            var scanned = await national.App.GetAllPages($"/odata/Targets?$filter=({filter}) or Id eq ''&$select=Id");
            var expected = all.Where(r => (string?)r["ProvinceId"] == province.Key && (int)r["Year"]! == year).Select(r => (string)r["Id"]!);

            Assert.Equal(expected, indexed.Rows.Select(r => (string)r["Id"]!));
            Assert.Equal(scanned.Rows.Select(r => (string)r["Id"]!), indexed.Rows.Select(r => (string)r["Id"]!));
            Assert.Equal(expected.Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                await national.App.CreateClient().GetStringAsync($"/odata/Targets/$count?$filter={filter}"));
        }
    }
}
