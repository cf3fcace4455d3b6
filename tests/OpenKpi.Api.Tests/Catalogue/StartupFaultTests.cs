using System.Diagnostics;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Tests.Catalogue;

/// <summary>No fault in the database or the seeds loses data or leaves the service half-working.</summary>
public sealed class StartupFaultTests : IDisposable
{
    private readonly SeedFolder _folder = new();
    private string Seeds => _folder.Seeds;
    private string Database => _folder.Database;

    [Fact]
    public async Task ACorruptDatabaseIsMovedAsideNeverDeletedAndRebuilt()
    {
        var garbage = "this is not a LiteDB file"u8.ToArray();
        await File.WriteAllBytesAsync(Database, garbage);

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        var index = await app.GetJson("/");

        Assert.Equal(SeedFiles.TargetRows.Count, (int)index["dataset"]!["targets"]!);
        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Database)!, "openkpi.db.unusable-*"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(aside));
        Assert.Contains(app.Logs, l => l.Contains("moved aside", StringComparison.Ordinal) && l.Contains(aside, StringComparison.Ordinal));
    }

    /// <summary>The records' image is a file beside the database: missing, cut short or another write's, it is never read, and the pair is rebuilt.</summary>
    [Theory]
    [InlineData("missing")]
    [InlineData("truncated")]
    [InlineData("another write's")]
    public async Task ADatabaseWhoseImageIsMissingTruncatedOrAnotherWritesIsMovedAsideAndRebuilt(string fault)
    {
        var data = SeedImporter.Load(Seeds);
        var image = CatalogueStore.ImagePath(Database);
        var stale = data.Targets[0] with { Lower = 123456m };   // served only if the wrong image were read
        CatalogueStore.Write(Database, data with { Targets = [stale, .. data.Targets.Skip(1)] });
        var other = Path.Combine(_folder.Root, "other.db");
        CatalogueStore.Write(other, data with { Targets = [data.Targets[0] with { Lower = 654321m }, .. data.Targets.Skip(1)] });
        switch (fault)
        {
            case "missing": File.Delete(image); break;
            case "truncated": await using (var file = File.OpenWrite(image)) file.SetLength(file.Length - 1); break;
            default: File.Copy(CatalogueStore.ImagePath(other), image, overwrite: true); break;
        }

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        var target = await app.GetJson($"/odata/Targets('{stale.Id}')");

        Assert.Equal(data.Targets[0].Lower, (decimal?)target["Lower"]);
        Assert.Contains(app.Logs, l => l.Contains("moved aside", StringComparison.Ordinal) && l.Contains(image, StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Database)!, "openkpi.db.unusable-*"), f => !f.EndsWith(".image", StringComparison.Ordinal));
        Assert.Equal(data.Targets.Count, CatalogueStore.Read(Database).Targets.Count);
    }

    [Fact]
    public async Task ADatabaseOfAnOlderSchemaIsMovedAsideAndRebuilt()
    {
        var data = SeedImporter.Load(Seeds);
        CatalogueStore.Write(Database, data with { Dataset = data.Dataset with { Schema = DatasetInfo.CurrentSchema - 1 } });

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        await app.GetJson("/");

        var aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(Database)!, "openkpi.db.unusable-*"), f => !f.EndsWith(".image", StringComparison.Ordinal));
        Assert.True(File.Exists(CatalogueStore.ImagePath(aside)), "the image is moved aside with its database, not deleted");
        Assert.Equal(DatasetInfo.CurrentSchema, CatalogueStore.Read(Database).Dataset.Schema);
    }

    /// <summary>A database built by other code (another parser, reordered enums: another build of the domain) is rebuilt from the same seeds.</summary>
    [Fact]
    public async Task ADatabaseBuiltByOtherCodeIsRebuiltFromTheSameSeeds()
    {
        var data = SeedImporter.Load(Seeds);
        var stale = data.Targets[0] with { Lower = 123456m };   // what an older parser might have stored
        CatalogueStore.Write(Database, data with { Dataset = data.Dataset with { Fingerprint = "another-build" }, Targets = [stale, .. data.Targets.Skip(1)] });

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        var target = await app.GetJson($"/odata/Targets('{stale.Id}')");

        Assert.Contains(app.Logs, l => l.Contains("built by other code", StringComparison.Ordinal) && l.Contains("another-build", StringComparison.Ordinal));
        Assert.Equal(data.Targets[0].Lower, (decimal?)target["Lower"]);
        Assert.Equal(OpenKpi.Domain.Catalogue.CatalogueFingerprint.Current, CatalogueStore.Read(Database).Dataset.Fingerprint);
    }

    [Fact]
    public async Task InvalidSeedsWithADatabaseKeepServingTheDatabaseAndLogTheErrors()
    {
        SeedImporter.Import(Seeds, Database);
        var before = await File.ReadAllBytesAsync(Database);
        BreakSeeds();

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        var index = await app.GetJson("/");

        Assert.Equal(SeedFiles.TargetRows.Count, (int)index["dataset"]!["targets"]!);
        Assert.Equal(before, await File.ReadAllBytesAsync(Database));
        Assert.Contains(app.Logs, l => l.Contains("seeds are invalid", StringComparison.Ordinal) && l.Contains("field 'unitId'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChangedSeedsRebuildTheDatabaseAtStartUp()
    {
        SeedImporter.Import(Seeds, Database);
        var version = CatalogueStore.Read(Database).Dataset.Version;
        var path = Path.Combine(Seeds, "provinces.json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("Lang Son", "Lang Son Province", StringComparison.Ordinal));
        _folder.PublishRevision();

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        var province = await app.GetJson("/odata/Provinces('VN-09')");

        Assert.Equal("Lang Son Province", (string)province["NameEn"]!);
        Assert.Equal((Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "revisions")).Length + 1).ToString(), (string)province["RevisionId"]!);
        Assert.NotEqual(version, CatalogueStore.Read(Database).Dataset.Version);
    }

    [Fact]
    public async Task AnUnchangedDatabaseIsServedWithoutWritingAnything()
    {
        SeedImporter.Import(Seeds, Database);
        var written = File.GetLastWriteTimeUtc(Database);
        File.SetAttributes(Database, FileAttributes.ReadOnly);
        var before = Directory.GetFiles(_folder.Root, "*", SearchOption.AllDirectories).Order().ToList();

        await using var app = new KpiApplication { SeedDirectory = Seeds, DatabasePath = Database };
        await app.GetJson("/odata/Targets?$top=1");

        Assert.Equal(written, File.GetLastWriteTimeUtc(Database));
        Assert.Equal(before, Directory.GetFiles(_folder.Root, "*", SearchOption.AllDirectories).Order().ToList());
        File.SetAttributes(Database, FileAttributes.Normal);
    }

    [Fact]
    public async Task InvalidSeedsWithoutADatabaseStopTheProcessWithTheErrors()
    {
        BreakSeeds();
        var api = Path.Combine(Path.GetDirectoryName(typeof(Program).Assembly.Location)!, "OpenKpi.Api.dll");
        var start = new ProcessStartInfo("dotnet", [api, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["Catalogue__SeedDirectory"] = Seeds,
                ["Catalogue__DatabasePath"] = Database,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
            },
        };

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the process did not stop");

        Assert.NotEqual(0, process.ExitCode);
        var said = await output + await error;
        Assert.Contains("unitId", said);
        Assert.Contains("'medic' is not a unit", said);
        Assert.False(File.Exists(Database));
    }

    private void BreakSeeds() => _folder.BreakIndicatorUnit();

    public void Dispose() => _folder.Dispose();
}
