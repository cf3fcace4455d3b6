using Microsoft.Extensions.Configuration;
using OpenKpi.Api.Catalogue;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Catalogue;

public sealed class ImportCommandTests : IDisposable
{
    private readonly SeedFolder _folder = new();
    private string Seeds => _folder.Seeds;
    private string Database => _folder.Database;

    [Fact]
    public void ImportBuildsTheDatabaseAndReportsWhatItImported()
    {
        var (code, output, _) = Run();

        Assert.Equal(0, code);
        Assert.True(File.Exists(Database));
        Assert.Contains($"{SeedFiles.TargetRows.Count} targets", output);
    }

    [Fact]
    public void ImportOfBadSeedsExitsNonZeroWithTheErrorsAndKeepsTheDatabase()
    {
        Assert.Equal(0, Run().Code);
        var before = File.ReadAllBytes(Database);
        _folder.BreakIndicatorUnit();

        var (code, _, error) = Run();

        Assert.Equal(1, code);
        Assert.Contains("indicators.json: record doctors-per-10000-population", error);
        Assert.Contains("field 'unitId'", error);
        Assert.Contains("left as it was", error);
        Assert.Equal(before, File.ReadAllBytes(Database));
    }

    private (int Code, string Output, string Error) Run()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Catalogue:SeedDirectory"] = Seeds,
            ["Catalogue:DatabasePath"] = Database,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ImportCommand.Run(configuration, _folder.Root, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => _folder.Dispose();
}
