using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Generation;

namespace OpenKpi.Benchmarks;

/// <summary>
/// The HTTP benchmark's query mix executed in-process (no sockets, response cache off), with allocations.
/// The reference, measured in the same run, is the first query written by hand: a LINQ filter over the
/// snapshot and System.Text.Json, the least work that answers it.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(InProcess))]
public class QueryMixBenchmarks
{
    private sealed class InProcess : ManualConfig
    {
        public InProcess() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15));
    }

    [Params("seed", "national")]
    public string Scale { get; set; } = "seed";

    private WebApplicationFactory<Program> _app = null!;
    private HttpClient _client = null!;
    private CatalogueSnapshot _snapshot = null!;
    private string _province = "", _skip = "";
    private int _year;

    [GlobalSetup]
    public void Setup()
    {
        var root = Root();
        var seeds = Path.Combine(root, "seeds");
        var cache = Path.Combine(Path.GetTempPath(), "openkpi-benchmarks");
        if (Scale == "national")
        {
            // Generated once and kept between runs: the seeds folder and its database.
            seeds = Path.Combine(cache, "national-seeds");
            if (!File.Exists(Path.Combine(seeds, "sources", "SYNTHETIC.txt"))) NationalDatasetGenerator.Generate(Path.Combine(root, "seeds"), seeds, null, seed: 1);
        }
        // The emitted benchmark assembly has no MvcTestingAppManifest.json: name the content root the documented way.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_OPENKPI_API", Path.Combine(root, "src", "OpenKpi.Api"));
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            host.UseSetting("Catalogue:SeedDirectory", seeds);
            host.UseSetting("Catalogue:DatabasePath", Path.Combine(cache, $"{Scale}.db"));
            host.UseSetting("ResponseCache:Enabled", "false");
            host.UseSetting("RateLimiting:PermitLimit", "1000000000");
            host.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        _client = _app.CreateClient();
        _snapshot = _app.Services.GetRequiredService<CatalogueSnapshot>();
        (_province, _year, _skip) = Scale == "national" ? ("VN-W3", 2020, "90000") : ("VN-09", 2024, "150");
        _snapshot.Warm();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _app.Dispose();
    }

    [Benchmark(Baseline = true, Description = "province-year by hand (LINQ + System.Text.Json)")]
    public byte[] ProvinceYearByHand() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        value = _snapshot.Targets.Where(t => t.ProvinceId == _province && t.Year == _year).Take(100)
            .Select(t => new { t.Id, t.SourceLabel, t.RawValue, Comparator = t.Comparator?.ToString(), t.Lower, t.Upper }),
    });

    [Benchmark(Description = "province-year-select")]
    public Task<byte[]> ProvinceYearSelect() =>
        _client.GetByteArrayAsync($"/odata/Targets?$filter=ProvinceId eq '{_province}' and Year eq {_year}&$select=Id,SourceLabel,RawValue,Comparator,Lower,Upper");

    [Benchmark(Description = "indicator-expand")]
    public Task<byte[]> IndicatorExpand() =>
        _client.GetByteArrayAsync("/odata/Indicators('doctors-per-10000-population')/Targets?$expand=Province($select=Name)&$select=Id,Year,RawValue");

    [Benchmark(Description = "search")]
    public Task<byte[]> Search() => _client.GetByteArrayAsync("/odata/Targets?$search=bac si&$select=Id,SourceLabel");

    [Benchmark(Description = "count")]
    public Task<byte[]> Count() => _client.GetByteArrayAsync($"/odata/Targets/$count?$filter=Year eq {_year}");

    [Benchmark(Description = "csv")]
    public Task<byte[]> Csv() => _client.GetByteArrayAsync($"/odata/Targets?$format=csv&$filter=ProvinceId eq '{_province}'&$select=Id,Year,RawValue,Lower,Upper");

    [Benchmark(Description = "deep-page")]
    public Task<byte[]> DeepPage() => _client.GetByteArrayAsync($"/odata/Targets?$skip={_skip}&$top=100");

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OpenKpi.sln"))) return dir.FullName;
        throw new InvalidOperationException("OpenKpi.sln not found above " + AppContext.BaseDirectory);
    }
}
