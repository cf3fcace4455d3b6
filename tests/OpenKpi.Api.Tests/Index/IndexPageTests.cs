using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.OData;

namespace OpenKpi.Api.Tests.Index;

/// <summary>/ as a person's browser gets it: a page rendered on the server, with the same facts as the JSON index.</summary>
[Collection(KpiCollection.Name)]
public sealed class IndexPageTests(KpiApplication app)
{
    private const string ChromeAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    [Theory]
    [InlineData(ChromeAccept)]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]   // Firefox, Safari
    [InlineData("text/html")]
    [InlineData("TEXT/HTML; charset=utf-8")]
    [InlineData("text/*")]
    [InlineData("application/json;q=0.5, text/html")]
    [InlineData("text/html;q=0.9, */*;q=0.1")]
    public async Task ABrowsersAcceptGetsAnHtmlPage(string accept)
    {
        using var response = await Get("/", accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Single(Parse(await response.Content.ReadAsStringAsync()).QuerySelectorAll("main h1"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/json")]
    [InlineData("application/json, text/html;q=0.9")]
    [InlineData("text/html;q=0.5, application/json")]
    [InlineData("text/html;q=0, */*")]
    [InlineData("text/html;q=0.8, */*;q=0.8")]   // a tie: JSON, as before there was a page
    [InlineData("image/png")]
    [InlineData("not a media type")]
    public async Task EveryOtherClientGetsTheJsonIndexUnchanged(string? accept)
    {
        using var plain = await Get("/", accept: null);
        using var response = await Get("/", accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(await plain.Content.ReadAsStringAsync(), body);
        Assert.Equal("OpenKpi", (string)JsonNode.Parse(body)!["name"]!);
    }

    [Fact]
    public async Task ThePageAndTheJsonAreCachedApartWithTheirOwnValidators()
    {
        using var html = await Get("/", ChromeAccept);
        using var json = await Get("/", "application/json");
        Assert.NotNull(html.Headers.ETag);
        Assert.NotEqual(json.Headers.ETag, html.Headers.ETag);
        Assert.Equal(json.Headers.CacheControl, html.Headers.CacheControl);
        Assert.Equal(json.Content.Headers.LastModified, html.Content.Headers.LastModified);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.TryAddWithoutValidation("Accept", ChromeAccept);
        again.Headers.IfNoneMatch.Add(html.Headers.ETag!);
        using var notModified = await app.CreateClient().SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task ThePageCountsEverySetAsTheCatalogueDoes()
    {
        var page = await Page();
        var index = await app.GetJson("/");

        var counts = page.QuerySelectorAll("#counts tbody tr")
            .ToDictionary(row => row.QuerySelector("th")!.TextContent.Trim(), row => int.Parse(row.QuerySelector("data")!.GetAttribute("value")!));
        var expected = EntitySetTests.SetsAndSeedCounts().ToDictionary(row => (string)row[0], row => (int)row[1]);
        Assert.Equal(expected, counts);
        Assert.Equal((string)index["dataset"]!["version"]!, page.QuerySelector("#dataset-version")!.TextContent);
    }

    [Fact]
    public async Task ThePageListsEveryDocumentWithWorkingLinksToItsRows()
    {
        var page = await Page();

        var documents = SeedFiles.Records("documents.json").ToList();
        Assert.Equal(documents.Count, page.QuerySelectorAll("section[aria-labelledby=documents] article").Length);
        foreach (var document in documents)
        {
            var id = (string)document["id"]!;
            var article = page.GetElementById($"document-{id}");
            Assert.NotNull(article);
            Assert.Equal((string)document["title"]!, article.QuerySelector("h3")!.TextContent);

            var targets = await RowsBehind(article, "a.targets");
            Assert.Equal(SeedFiles.TargetRows.Count(r => r.DocumentId == id), targets.Count);
            Assert.All(targets, t => Assert.Equal(id, (string)t["DocumentId"]!));

            var catalogueRows = SeedFiles.CatalogueRows.Count(r => r.DocumentId == id);
            if (catalogueRows == 0)
            {
                Assert.Null(article.QuerySelector("a.catalogue-entries"));
                continue;
            }
            var entries = await RowsBehind(article, "a.catalogue-entries");
            Assert.Equal(catalogueRows, entries.Count);
            Assert.All(entries, e => Assert.Equal(id, (string)e["DocumentId"]!));
        }
    }

    [Fact]
    public async Task ThePageListsEveryDownloadWithTheSizeAndChecksumItServes()
    {
        var page = await Page();
        var index = await app.GetJson("/");

        var rows = page.QuerySelectorAll("#download-files tbody tr");
        Assert.Equal(index["downloads"]!.AsArray().Select(d => (string)d!["href"]!), rows.Select(r => r.QuerySelector("a.download")!.GetAttribute("href")));
        foreach (var row in rows)
        {
            var bytes = await app.CreateClient().GetByteArrayAsync(row.QuerySelector("a.download")!.GetAttribute("href"));
            Assert.Equal(bytes.LongLength, long.Parse(row.QuerySelector("data.size")!.GetAttribute("value")!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), row.QuerySelector("code.sha256")!.TextContent);
        }
    }

    [Fact]
    public async Task FiveExampleQueriesEachFindSomething()
    {
        var page = await Page();

        var examples = page.QuerySelectorAll("#example-queries a").Select(a => a.GetAttribute("href")!).ToList();
        Assert.Equal(5, examples.Count);
        foreach (var href in examples)
        {
            using var response = await app.CreateClient().GetAsync(href);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{href} answered {(int)response.StatusCode}: {body}");
            if (response.Content.Headers.ContentType?.MediaType == "text/csv")
                Assert.True(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 1, $"{href}: a CSV with no rows");
            else
                Assert.NotEmpty(JsonNode.Parse(body)!["value"]!.AsArray());
        }
    }

    [Fact]
    public async Task EveryLinkOnThePageAnswers200()
    {
        var page = await Page();

        var links = page.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!).Distinct().ToList();
        Assert.Contains("/swagger", links);
        Assert.Contains("/odata/$metadata", links);
        foreach (var href in links)
        {
            if (href.StartsWith('#'))
            {
                Assert.NotNull(page.GetElementById(href[1..]));
                continue;
            }
            using var response = await app.CreateClient().GetAsync(href);   // follows /swagger's redirect to its index.html
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{href} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task ThePageHasOneH1OrderedHeadingsAndBothLanguagesMarked()
    {
        var page = await Page();

        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(page.QuerySelector("main"));
        var levels = page.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.LocalName[1] - '0').ToList();
        Assert.Equal(1, levels[0]);
        Assert.Single(levels, 1);
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second <= pair.First + 1, $"h{pair.First} then h{pair.Second}"));
        Assert.All(page.QuerySelectorAll("h2"), h => Assert.NotNull(h.QuerySelector("[lang=vi]")));
        // Every Vietnamese name the page shows from the data sits inside lang="vi".
        foreach (var title in SeedFiles.Records("documents.json").Select(d => (string)d["title"]!))
            Assert.Equal("vi", page.QuerySelectorAll("h3").Single(h => h.TextContent == title).Closest("[lang]")!.GetAttribute("lang"));
    }

    [Fact]
    public async Task TextFromTheDataIsHtmlEncoded()
    {
        using var folder = new SeedFolder();
        const string Markup = "Phụ lục <script>alert(\"x\")</script> & <b>số</b> 3";
        var documents = Path.Combine(folder.Seeds, "documents.json");
        File.WriteAllText(documents, File.ReadAllText(documents).Replace("\"title\": \"Phụ lục số 3\"", $"\"title\": {System.Text.Json.JsonSerializer.Serialize(Markup)}", StringComparison.Ordinal));
        folder.PublishRevision();
        await using var marked = new KpiApplication { SeedDirectory = folder.Seeds, DatabasePath = folder.Database };

        using var response = await Get("/", ChromeAccept, marked);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains(Parse(html).QuerySelectorAll("h3"), h => h.TextContent == Markup);
    }

    private async Task<HttpResponseMessage> Get(string url, string? accept, KpiApplication? server = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await (server ?? app).CreateClient().SendAsync(request);
    }

    private async Task<IDocument> Page()
    {
        using var response = await Get("/", ChromeAccept);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private async Task<List<JsonObject>> RowsBehind(IElement article, string selector)
    {
        var link = article.QuerySelector(selector);
        Assert.NotNull(link);
        return (await app.GetAllPages(link.GetAttribute("href")!)).Rows;
    }
}
