using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Readme;

/// <summary>Every curl recipe in the README answers exactly what the README shows, so the README stays true.</summary>
[Collection(KpiCollection.Name)]
public sealed partial class ReadmeRecipesTests(KpiApplication app)
{
    private const string DocumentedHost = "http://localhost:5000";

    public static TheoryData<string, string, string> Recipes()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var data = new TheoryData<string, string, string>();
        foreach (Match match in RecipeBlock().Matches(readme))
            data.Add(match.Groups["url"].Value, match.Groups["kind"].Value, match.Groups["answer"].Value);
        return data;
    }

    [Fact]
    public void TheReadmeHasTenRecipesOrMore()
    {
        Assert.True(Recipes().Count >= 10, $"{Recipes().Count} recipes");
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task EachRecipeAnswersAsTheReadmeShows(string url, string kind, string answer)
    {
        using var response = await app.CreateClient().GetAsync(url[DocumentedHost.Length..]);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');

        switch (kind)
        {
            case "json":
                var expected = WithoutRequestId(JsonNode.Parse(answer.Replace(DocumentedHost, "http://localhost", StringComparison.Ordinal)));
                Assert.True(JsonNode.DeepEquals(expected, WithoutRequestId(JsonNode.Parse(text))), $"{url} answered:\n{text}");
                break;
            case "csv":
                Assert.Equal(answer, text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n'));
                break;
            default:
                Assert.Equal(answer.Trim(), text.Trim());
                break;
        }
    }

    public static TheoryData<string, string, string> HeadRecipes()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var data = new TheoryData<string, string, string>();
        foreach (Match match in HeadBlock().Matches(readme))
            data.Add(match.Groups["url"].Value, match.Groups["names"].Value, match.Groups["answer"].Value);
        return data;
    }

    /// <summary>A HEAD recipe (curl -sI, its lines picked by grep): the status line, and each header the grep keeps, with its value.</summary>
    [Theory]
    [MemberData(nameof(HeadRecipes))]
    public async Task EachHeadRecipeAnswersAsTheReadmeShows(string url, string names, string answer)
    {
        using var response = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, url[DocumentedHost.Length..]));
        var kept = names.Split('|').Where(name => name != "HTTP").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sent = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .Where(h => kept.Contains(h.Key)).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var lines = answer.Split('\n');

        Assert.Equal($"HTTP/1.1 {(int)response.StatusCode} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)response.StatusCode)}", lines[0]);
        var shown = lines[1..].Select(line => line.Split(": ", 2)).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        Assert.Equal(sent.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase), shown.OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The conditional recipe: the ETag and Last-Modified a HEAD gives, sent back in If-None-Match and If-Modified-Since.</summary>
    [Fact]
    public async Task TheConditionalRecipeAnswersAsTheReadmeShows()
    {
        var match = ConditionalBlock().Match(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")));
        Assert.True(match.Success, "the README's conditional GET recipe is missing");
        var url = match.Groups["url"].Value[DocumentedHost.Length..];
        using var head = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        using var byTag = new HttpRequestMessage(HttpMethod.Get, url);
        byTag.Headers.TryAddWithoutValidation("If-None-Match", head.Headers.NonValidated["ETag"].ToString());
        using var byDate = new HttpRequestMessage(HttpMethod.Get, url);
        byDate.Headers.TryAddWithoutValidation("If-Modified-Since", head.Content.Headers.NonValidated["Last-Modified"].ToString());

        var codes = new[] { await app.CreateClient().SendAsync(byTag), await app.CreateClient().SendAsync(byDate) }.Select(r => ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(match.Groups["answer"].Value, string.Join("\n", codes));
    }

    // An error names its request, which differs on every call.
    private static JsonNode? WithoutRequestId(JsonNode? node)
    {
        (node?["error"] as JsonObject)?.Remove("@OpenKpi.requestId");
        return node;
    }

    // A ```sh block whose curl names a URL of the documented host, then the block with its answer.
    [GeneratedRegex(@"```sh\ncurl -s(?: -o \S+)? '(?<url>http://localhost:5000[^']+)'\n```\n```(?<kind>json|csv|text)\n(?<answer>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex RecipeBlock();

    // curl -sI 'url' | grep -iE '^(HTTP|Name|…)', then the lines it prints.
    [GeneratedRegex(@"```sh\ncurl -sI '(?<url>http://localhost:5000[^']+)' \| grep -iE '\^\((?<names>[^)]+)\)'\n```\n```text\n(?<answer>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex HeadBlock();

    // etag=…, since=… from a HEAD of the url, then two curls sending them back, then the status codes they print.
    [GeneratedRegex(@"```sh\netag=\$\(curl -sI '(?<url>http://localhost:5000[^']+)'[^\n]*\nsince=[^\n]*\ncurl [^\n]*If-None-Match: \$etag[^\n]*\ncurl [^\n]*If-Modified-Since: \$since[^\n]*\n```\n```text\n(?<answer>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex ConditionalBlock();
}
