using System.Net.Http.Headers;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Catalogue;

/// <summary>
/// Replicas: two processes that each build their own database from the same seeds, at different times, answer the same bytes
/// with the same validators (no import time or machine value in any answer), and a restart on an existing database rebuilds nothing.
/// </summary>
public sealed class RestartTests : IDisposable
{
    private readonly SeedFolder _first = new();
    private readonly SeedFolder _second = new();

    private static readonly string[] Urls =
    [
        "/", "/downloads/openkpi.json", "/downloads/openkpi-csv.zip", "/downloads/openkpi.xlsx", "/downloads/revisions/1/openkpi.json",
        "/odata/Targets", "/odata/Targets?$skip=100", "/odata/Agencies?$format=csv", "/odata/$metadata", "/swagger/v1/swagger.json",
    ];

    [Fact]
    public async Task TwoReplicasOfTheSameSeedsAnswerTheSameBytesAndValidators()
    {
        await using var one = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        var answers = new List<(string, byte[], EntityTagHeaderValue?, DateTimeOffset?)>();
        foreach (var url in Urls) answers.Add(await Get(one, url));
        await Task.Delay(TimeSpan.FromSeconds(1.1));   // HTTP dates count in seconds: an import time would now show
        await using var two = new KpiApplication { SeedDirectory = _second.Seeds, DatabasePath = _second.Database };

        foreach (var (url, bytes, etag, lastModified) in answers)
        {
            var (_, again, etagAgain, lastModifiedAgain) = await Get(two, url);
            Assert.True(bytes.SequenceEqual(again), $"{url} differs between replicas");
            Assert.Equal(etag, etagAgain);
            Assert.Equal(lastModified, lastModifiedAgain);
        }
    }

    [Fact]
    public async Task ARestartOnTheExistingDatabaseRebuildsNothing()
    {
        await using var first = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };   // kept: disposing it deletes the file
        await first.GetJson("/");
        await using var second = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        await second.GetJson("/");

        Assert.Contains(first.Logs, l => l.Contains("building it from", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs, l => l.Contains("building it from", StringComparison.Ordinal) || l.Contains("rebuilding", StringComparison.Ordinal));
    }

    private const string NotRead = "the seeds as the database recorded them";

    [Fact]
    public async Task ARestartOnSettledSeedsAsTheDatabaseRecordedThemReadsNoneOfThem()
    {
        _first.Settle();
        await using var first = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        var version = (string?)(await first.GetJson("/"))["dataset"]?["version"];
        await using var second = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };

        Assert.Equal(version, (string?)(await second.GetJson("/"))["dataset"]?["version"]);
        Assert.DoesNotContain(first.Logs, l => l.Contains(NotRead, StringComparison.Ordinal));
        Assert.Contains(second.Logs, l => l.Contains(NotRead, StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs, l => l.Contains("rebuilding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASeedOfTheSameLengthWrittenAtAnotherTimeIsReadAgainAndRebuildsTheDatabase()
    {
        _first.Settle();
        await using var first = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        var version = (string?)(await first.GetJson("/"))["dataset"]?["version"];
        // One space become a tab: the same length and the same records, other bytes; dated apart from the recorded time, but not now.
        var path = Path.Combine(_first.Seeds, "units.json");
        var text = File.ReadAllText(path);
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        File.WriteAllText(path, text[..space] + "\t" + text[(space + 1)..]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-30));
        await using var second = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };

        Assert.NotEqual(version, (string?)(await second.GetJson("/"))["dataset"]?["version"]);
        Assert.DoesNotContain(second.Logs, l => l.Contains(NotRead, StringComparison.Ordinal));
        Assert.Contains(second.Logs, l => l.Contains("rebuilding", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedsWrittenJustBeforeTheirImportAreReadAgainAtTheNextStart()
    {
        File.SetLastWriteTimeUtc(Path.Combine(_first.Seeds, "units.json"), DateTime.UtcNow);   // just written
        await using var first = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        await first.GetJson("/");
        await using var second = new KpiApplication { SeedDirectory = _first.Seeds, DatabasePath = _first.Database };
        await second.GetJson("/");

        Assert.DoesNotContain(second.Logs, l => l.Contains(NotRead, StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs, l => l.Contains("rebuilding", StringComparison.Ordinal));
    }

    private static async Task<(string, byte[], EntityTagHeaderValue?, DateTimeOffset?)> Get(KpiApplication app, string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        response.EnsureSuccessStatusCode();
        return (url, await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag, response.Content.Headers.LastModified);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
