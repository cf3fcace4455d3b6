using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.OData;

namespace OpenKpi.Api.Tests.Downloads;

[Collection(KpiCollection.Name)]
public sealed class DownloadTests(KpiApplication app)
{
    [Fact]
    public async Task TheJsonDownloadHoldsEveryRecordOfEverySet()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/downloads/openkpi.json"))!;

        foreach (var row in EntitySetTests.DatasetSetsAndSeedCounts())
            Assert.Equal((int)row[1], document[(string)row[0]]!.AsArray().Count);
        Assert.Equal((string)(await app.GetJson("/"))["dataset"]!["version"]!, (string)document["Dataset"]!["Version"]!);
        Assert.All(document["Targets"]!.AsArray(), t => Assert.False(t!.AsObject().ContainsKey("Indicator")));
    }

    [Fact]
    public async Task TheCsvDownloadHoldsOneCompleteFilePerSet()
    {
        using var zip = new ZipArchive(new MemoryStream(await app.CreateClient().GetByteArrayAsync("/downloads/openkpi-csv.zip")));

        foreach (var row in EntitySetTests.DatasetSetsAndSeedCounts())
        {
            var entry = zip.GetEntry($"{row[0]}.csv");
            Assert.NotNull(entry);
            using var reader = new StreamReader(entry!.Open(), Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            // No seed text holds a line break (the validators refuse one), so a record is a line.
            Assert.Equal((int)row[1], text.Split("\r\n").Skip(1).Count(line => line.Length > 0));
        }
    }

    [Fact]
    public async Task TheXlsxDownloadHasOneSheetPerSetWithEveryRowAndValidators()
    {
        using var response = await app.CreateClient().GetAsync("/downloads/openkpi.xlsx");
        var sheets = Xlsx.XlsxWorkbook.Read(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".xlsx", response.Content.Headers.ContentDisposition!.FileName);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal(EntitySetTests.DatasetSetsAndSeedCounts().Select(row => (string)row[0]), sheets.Select(s => s.Name));
        foreach (var row in EntitySetTests.DatasetSetsAndSeedCounts())
        {
            var sheet = sheets.Single(s => s.Name == (string)row[0]);
            Assert.Equal((int)row[1], sheet.Rows.Count - 1);
            Assert.True(sheet.HeaderFrozen && sheet.HeaderBold, $"{sheet.Name}'s header is not frozen and bold");
        }
        Assert.Contains((await app.GetJson("/"))["downloads"]!.AsArray(), d => (string)d!["href"]! == "/downloads/openkpi.xlsx");
    }

    [Fact]
    public void TheXlsxDownloadIsTheSameBytesForTheSameDatasetWhenEverItIsBuilt()
    {
        // Two imports at different times, as two replicas or two rebuilds make them.
        OpenKpi.Domain.Catalogue.CatalogueSnapshot ImportedAt(int year) =>
            new(OpenKpi.Domain.Seeding.SeedImporter.Load(RepositoryPaths.Seeds, new FixedClock(new DateTimeOffset(year, 1, 2, 3, 4, 6, TimeSpan.Zero))));
        using var first = new OpenKpi.Api.Downloads.DatasetDownloads(ImportedAt(2020), Microsoft.Extensions.Logging.Abstractions.NullLogger<OpenKpi.Api.Downloads.DatasetDownloads>.Instance);
        using var second = new OpenKpi.Api.Downloads.DatasetDownloads(ImportedAt(2024), Microsoft.Extensions.Logging.Abstractions.NullLogger<OpenKpi.Api.Downloads.DatasetDownloads>.Instance);

        var bytes = File.ReadAllBytes(first.Xlsx.Path!);
        using var zip = new ZipArchive(new MemoryStream(bytes));

        var published = DateOnly.Parse((string)Revisions.RevisionLogTests.Files()[^1]["publishedOn"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(zip.Entries, e => Assert.Equal(published.ToDateTime(TimeOnly.MinValue), e.LastWriteTime.DateTime));
        Assert.Equal(first.Json.Sha256, second.Json.Sha256);
        Assert.Equal(first.CsvZip.Sha256, second.CsvZip.Sha256);
        Assert.Equal(first.Xlsx.Sha256, second.Xlsx.Sha256);
        Assert.Equal(first.Xlsx.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal(EntitySetTests.DatasetSetsAndSeedCounts().Count(), Xlsx.XlsxWorkbook.Read(bytes).Count);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task TheIndexLinksEachDownloadWithItsSizeAndChecksum()
    {
        var index = await app.GetJson("/");

        foreach (var download in index["downloads"]!.AsArray())
        {
            var bytes = await app.CreateClient().GetByteArrayAsync((string)download!["href"]!);
            Assert.Equal((long)download["size"]!, bytes.LongLength);
            Assert.Equal((string)download["sha256"]!, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task AnInterruptedDownloadResumesWithARangeRequest()
    {
        var client = app.CreateClient();
        var whole = await client.GetByteArrayAsync("/downloads/openkpi-csv.zip");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/downloads/openkpi-csv.zip");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, null);

        using var response = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[100..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TheIndexNamesTheSourcesTheCountsAndTheLicence()
    {
        var index = await app.GetJson("/");

        Assert.Equal(SeedFiles.Array("documents.json").Count, index["sources"]!.AsArray().Count);
        Assert.Contains("CC BY 4.0", (string)index["dataset"]!["licence"]!);
        foreach (var row in EntitySetTests.DatasetSetsAndSeedCounts())
            Assert.Equal((int)row[1], (int)index["dataset"]!["counts"]![(string)row[0]]!);
    }
}
