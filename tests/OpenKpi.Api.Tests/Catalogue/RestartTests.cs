using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Catalogue;

/// <summary>A restart that reads the existing database serves what the first start served.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly SeedFolder _folder = new();

    [Fact]
    public async Task TheImportTimeSurvivesARestartToTheTickAndInUtc()
    {
        await using var first = new KpiApplication { SeedDirectory = _folder.Seeds, DatabasePath = _folder.Database };
        var before = (string)(await first.GetJson("/"))["dataset"]!["importedAtUtc"]!;
        await using var second = new KpiApplication { SeedDirectory = _folder.Seeds, DatabasePath = _folder.Database };
        var after = (string)(await second.GetJson("/"))["dataset"]!["importedAtUtc"]!;

        Assert.Contains(first.Logs, l => l.Contains("building it from", StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs, l => l.Contains("building it from", StringComparison.Ordinal) || l.Contains("rebuilding", StringComparison.Ordinal));
        Assert.EndsWith("Z", before, StringComparison.Ordinal);
        Assert.Equal(before, after);
        var imported = DateTime.Parse(after, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
        Assert.Equal(DateTimeKind.Utc, imported.Kind);
        Assert.InRange(DateTime.UtcNow - imported, TimeSpan.Zero, TimeSpan.FromMinutes(10));
    }

    public void Dispose() => _folder.Dispose();
}
