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

    // An error names its request, which differs on every call.
    private static JsonNode? WithoutRequestId(JsonNode? node)
    {
        (node?["error"] as JsonObject)?.Remove("@OpenKpi.requestId");
        return node;
    }

    // A ```sh block whose curl names a URL of the documented host, then the block with its answer.
    [GeneratedRegex(@"```sh\ncurl -s(?: -o \S+)? '(?<url>http://localhost:5000[^']+)'\n```\n```(?<kind>json|csv|text)\n(?<answer>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex RecipeBlock();
}
