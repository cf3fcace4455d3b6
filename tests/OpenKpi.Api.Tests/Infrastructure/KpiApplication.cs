using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenKpi.Api.Tests.Infrastructure;

/// <summary>The API in-process, on the repository's seeds and a database file of its own. Every test override lives here.</summary>
public sealed class KpiApplication : WebApplicationFactory<Program>
{
    /// <summary>The seeds to build from: the repository's, unless a start-up or fault test gives its own.</summary>
    public string SeedDirectory { get; init; } = RepositoryPaths.Seeds;

    /// <summary>A database file of this instance's own, unless a test gives one.</summary>
    public string DatabasePath { get; init; } = Path.Combine(Path.GetTempPath(), $"openkpi-test-{Guid.NewGuid():N}.db");

    /// <summary>Requests per minute per client; high, so that only the rate-limit test meets the limit.</summary>
    public int RateLimit { get; init; } = 1_000_000;

    /// <summary>More configuration, for a test of a setting.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>Every log line the application wrote, for tests that check what it said.</summary>
    public List<string> Logs { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Catalogue:SeedDirectory", SeedDirectory);
        builder.UseSetting("Catalogue:DatabasePath", DatabasePath);
        builder.UseSetting("RateLimiting:PermitLimit", RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Drain:ReadinessGraceSeconds", "0");   // a test host stops at once (DrainTests sets its own)
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(new ListLoggerProvider(Logs)));
    }

    /// <summary>Services registered after everything else, the server's own included (UseKestrel adds Kestrel's again, after the application's).</summary>
    public Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? LastServices { get; init; }

    /// <summary>
    /// Whether the first client waits until /health/ready answers 200, as a load balancer does: the server starts beside the
    /// catalogue's load, and the tests are of a ready replica (LoadingTests, of one that is loading, turns this off).
    /// </summary>
    public bool AwaitReady { get; init; } = true;

    protected override Microsoft.Extensions.Hosting.IHost CreateHost(Microsoft.Extensions.Hosting.IHostBuilder builder)
    {
        if (LastServices is { } last) builder.ConfigureServices((_, services) => last(services));
        var host = base.CreateHost(builder);
        if (AwaitReady) Task.Run(() => WaitUntilReady(host)).GetAwaiter().GetResult();
        return host;
    }

    private static async Task WaitUntilReady(Microsoft.Extensions.Hosting.IHost host)
    {
        // In memory (TestServer) or over a socket (the tests that use Kestrel).
        var server = host.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        using var client = server is Microsoft.AspNetCore.TestHost.TestServer memory ? memory.CreateClient() : new HttpClient
        {
            BaseAddress = new Uri(server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()),
        };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var ready = await client.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"/health/ready still answers {(int)ready.StatusCode} after 60 s");
            await Task.Delay(10);
        }
    }

    public async Task<JsonObject> GetJson(string url)
    {
        using var response = await CreateClient().GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Every row of a collection, following @odata.nextLink to the end; also returns how many pages it took.</summary>
    public async Task<(List<JsonObject> Rows, int Pages)> GetAllPages(string url)
    {
        var rows = new List<JsonObject>();
        var pages = 0;
        for (string? next = url; next is not null; pages++)
        {
            Assert.True(pages < 1000, "paging does not end");
            var page = await GetJson(next);
            rows.AddRange(page["value"]!.AsArray().Select(r => r!.AsObject()));
            next = (string?)page["@odata.nextLink"];
        }
        return (rows, pages);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var file in new[] { DatabasePath, OpenKpi.Domain.Catalogue.CatalogueStore.ImagePath(DatabasePath) })
            if (File.Exists(file)) File.Delete(file);
    }
}

/// <summary>Keeps the formatted log lines in a list.</summary>
public sealed class ListLoggerProvider(List<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ListLogger(lines, categoryName);

    public void Dispose() { }

    private sealed class ListLogger(List<string> lines, string category) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines) lines.Add($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class KpiCollection : ICollectionFixture<KpiApplication>
{
    public const string Name = "api";
}
