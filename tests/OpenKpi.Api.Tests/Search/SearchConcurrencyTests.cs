using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Search;

/// <summary>
/// A search's bitsets are pooled: they go back to the pool once its answer is written and are the next search's. Searches
/// answered many at once (uncached, so each is computed) answer exactly what each answers alone.
/// </summary>
public sealed class SearchConcurrencyTests : IAsyncLifetime
{
    private readonly KpiApplication _app = new() { Settings = { ["ResponseCache:Enabled"] = "false", ["RateLimiting:PermitLimit"] = "1000000" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SearchesAnsweredTogetherAnswerWhatEachAnswersAlone()
    {
        // Words of the seeds' labels, alone, in pairs, quoted, negated and counted, over the targets and the catalogue.
        var words = SeedFiles.TargetRows.Select(r => (string?)r.Row["label"]).OfType<string>()
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(w => w.Length > 2 && w.All(char.IsLetterOrDigit) && w is not ("AND" or "OR" or "NOT")).Distinct().ToArray();
        var random = new Random(20261204);
        string Word() => words[random.Next(words.Length)];
        var urls = Enumerable.Range(0, 60).Select(i =>
        {
            var search = (i % 4) switch
            {
                0 => Word(),
                1 => $"{Word()} {Word()[..2]}",
                2 => $"\"{Word()} {Word()}\" OR {Word()}",
                _ => $"{Word()} NOT {Word()}",
            };
            var set = i % 3 == 0 ? "CatalogueEntries" : "Targets";
            return $"/odata/{set}?$search={Uri.EscapeDataString(search)}&$select=Id&$count=true&$top={5 + i % 20}";
        }).ToList();
        using var client = _app.CreateClient();
        var alone = new List<string>();
        foreach (var url in urls) alone.Add(await Body(client, url));
        Assert.Contains(alone, body => JsonNode.Parse(body)!["@odata.count"]!.GetValue<int>() > 5);

        for (var round = 0; round < 3; round++)
        {
            var together = await Task.WhenAll(urls.Select(url => Task.Run(() => Body(client, url))));
            Assert.Equal(alone, together);
        }
    }

    private static async Task<string> Body(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
