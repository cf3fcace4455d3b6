using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenKpi.Api.Downloads;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.OData;

namespace OpenKpi.Api.Tests.Http;

/// <summary>
/// RFC 9110 on every GET resource the API offers (every path of the OpenAPI document, with a real key, and the
/// resources it does not describe): HEAD, conditional requests, ranges, Preference-Applied, and OData versions kept
/// apart in the cache.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed partial class HttpSemanticsTests(KpiApplication app)
{
    /// <summary>Every GET path of the committed OpenAPI document (a test holds it equal to the served one), and every resource it leaves out.</summary>
    public static TheoryData<string> Resources() => new(Paths());

    private static IEnumerable<string> Paths()
    {
        var document = JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiDocument))!;
        return document["paths"]!.AsObject().Where(path => path.Value!["get"] is not null).Select(path => path.Key).Concat(Undocumented);
    }

    private static readonly string[] Undocumented =
    [
        "/", "/odata", "/odata/$metadata", "/odata/v1/Targets", "/odata/Targets?api-version=1.0", "/odata/Targets?$format=csv",
        DownloadEndpoints.JsonPath, DownloadEndpoints.CsvZipPath, "/swagger/v1/swagger.json", "/swagger/index.html",
        "/health/live", "/health/ready",
    ];

    /// <summary>Every resource above that is a representation of the data or of the API, with validators (not health, not Swagger UI's own files).</summary>
    public static TheoryData<string> ResourcesWithValidators() =>
        new(Paths().Where(path => !path.StartsWith("/health", StringComparison.Ordinal) && path != "/swagger/index.html"));

    public static TheoryData<string> Downloads() => [DownloadEndpoints.JsonPath, DownloadEndpoints.CsvZipPath];

    public static TheoryData<string, int> Sets() => EntitySetTests.SetsAndSeedCounts();

    // Framing and what differs on every request; the rest of a HEAD's headers are the GET's.
    private static readonly HashSet<string> PerRequest = new(StringComparer.OrdinalIgnoreCase) { "Date", "X-Request-Id", "Transfer-Encoding", "Content-Length" };

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task HeadAnswersWithTheStatusAndHeadersOfGetAndNoBody(string template)
    {
        var url = await Resolve(template);
        using var warm = await Send(HttpMethod.Get, url);   // so that HEAD and the GET compared meet the same cache state
        using var head = await Send(HttpMethod.Head, url);
        using var get = await Send(HttpMethod.Get, url);
        var body = await get.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(Without(Headers(get), PerRequest), Without(Headers(head), PerRequest));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        if (Headers(get).TryGetValue("Content-Length", out var length))
        {
            Assert.Equal(length, Headers(head).GetValueOrDefault("Content-Length"));
            Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), length);
        }
    }

    [Fact]
    public async Task HeadIsAnsweredWhereNoAnswerIsCached()
    {
        await using var uncached = new KpiApplication { Settings = { ["ResponseCache:Enabled"] = "false" } };
        foreach (var template in Paths())
        {
            var url = await Resolve(template);
            using var head = await uncached.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {url}: {(int)head.StatusCode}");
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task HeadBeforeAnyGetStillFillsTheCacheWithTheValidators()
    {
        var url = $"/odata/Targets?$filter=Id ne '{Guid.NewGuid():N}'&$top=3";
        using var head = await Send(HttpMethod.Head, url);
        using var get = await Send(HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("HIT", Single(get, "X-Cache"));
        Assert.Equal(head.Headers.ETag, get.Headers.ETag);
        Assert.NotNull(get.Headers.ETag);
        Assert.Equal(head.Headers.CacheControl, get.Headers.CacheControl);
        Assert.Equal(3, JsonNode.Parse(await get.Content.ReadAsStringAsync())!["value"]!.AsArray().Count);
    }

    [Fact]
    public async Task HeadOfADownloadGivesItsLengthAsTheIndexStatesIt()
    {
        var index = await app.GetJson("/");
        foreach (var download in index["downloads"]!.AsArray())
        {
            using var head = await Send(HttpMethod.Head, (string)download!["href"]!);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal((long)download["size"]!, long.Parse(Headers(head)["Content-Length"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("/odata/Targets")]
    [InlineData("/odata/Targets/$count")]
    [InlineData("/")]
    [InlineData(DownloadEndpoints.CsvZipPath)]
    public async Task AWriteListsHeadBesideGetInAllowAndOptionsAnswersWithAllow(string url)
    {
        using var post = await Send(HttpMethod.Post, url);
        using var options = await Send(HttpMethod.Options, url);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], Allow(post));
        Assert.Equal(HttpStatusCode.NoContent, options.StatusCode);
        Assert.Equal(["GET", "HEAD", "OPTIONS"], Allow(options));
    }

    [Fact]
    public async Task APreflightAdvertisesHead()
    {
        using var preflight = await Send(HttpMethod.Options, "/odata/Targets", request =>
        {
            request.Headers.Add("Origin", "https://portal.example.gov.vn");
            request.Headers.Add("Access-Control-Request-Method", "HEAD");
        });

        Assert.True(preflight.IsSuccessStatusCode);
        Assert.Contains("HEAD", Single(preflight, "Access-Control-Allow-Methods").Split(','));
    }

    [Fact]
    public async Task AScriptInABrowserMayReadTheValidatorsAndThePreferenceApplied()
    {
        using var response = await Send(HttpMethod.Get, "/odata/Provinces", request =>
        {
            request.Headers.Add("Origin", "https://portal.example.gov.vn");
            request.Headers.Add("Prefer", "odata.maxpagesize=2");
        });

        var exposed = Single(response, "Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries);
        Assert.Equal("odata.maxpagesize=2", Single(response, "Preference-Applied"));
        Assert.Contains("Preference-Applied", exposed);
        Assert.Contains("ETag", exposed);
        Assert.Contains("Last-Modified", exposed);
        Assert.Contains("OData-Version", exposed);
    }

    [Theory]
    [MemberData(nameof(ResourcesWithValidators))]
    public async Task EveryConditionThatHoldsAnswers304WithTheValidatorsAndEveryOtherTheAnswer(string template)
    {
        var url = await Resolve(template);
        using var full = await Send(HttpMethod.Get, url);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        var etag = full.Headers.ETag!;
        var lastModified = full.Content.Headers.LastModified!.Value;
        Assert.False(etag.IsWeak);
        var weak = new EntityTagHeaderValue(etag.Tag, isWeak: true);
        var other = new EntityTagHeaderValue("\"another\"");

        (string Condition, Action<HttpRequestHeaders> Set, bool NotModified)[] cases =
        [
            ("the strong tag", h => h.IfNoneMatch.Add(etag), true),
            ("the tag made weak (weak comparison)", h => h.IfNoneMatch.Add(weak), true),
            ("a list naming it", h => { h.IfNoneMatch.Add(other); h.IfNoneMatch.Add(weak); }, true),
            ("*", h => h.IfNoneMatch.Add(EntityTagHeaderValue.Any), true),
            ("another tag", h => h.IfNoneMatch.Add(other), false),
            ("its Last-Modified", h => h.IfModifiedSince = lastModified, true),
            ("a later date", h => h.IfModifiedSince = lastModified.AddSeconds(1), true),
            ("an earlier date", h => h.IfModifiedSince = lastModified.AddSeconds(-1), false),
            ("its Last-Modified beside another tag (If-None-Match decides)", h => { h.IfModifiedSince = lastModified; h.IfNoneMatch.Add(other); }, false),
        ];
        foreach (var (condition, set, notModified) in cases)
        {
            if (condition == "a later date" && lastModified.AddSeconds(1) > DateTimeOffset.UtcNow) continue;   // a date in the future is invalid, and ignored
            using var response = await Send(HttpMethod.Get, url, request => set(request.Headers));
            var because = $"{url} with {condition}";
            Assert.True((notModified ? HttpStatusCode.NotModified : HttpStatusCode.OK) == response.StatusCode, $"{because}: {(int)response.StatusCode}");
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Equal(full.Headers.CacheControl, response.Headers.CacheControl);
            Assert.Equal(full.Headers.Vary, response.Headers.Vary);
            if (notModified) Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task IfModifiedSinceIsHonouredOnTheFirstAnswerAndOnTheCachedOne()
    {
        var url = $"/odata/Indicators?$filter=Id ne '{Guid.NewGuid():N}'&$top=2";
        var lastModified = (await Send(HttpMethod.Get, "/odata")).Content.Headers.LastModified!.Value;

        using var computed = await Send(HttpMethod.Get, url, r => r.Headers.IfModifiedSince = lastModified);
        using var kept = await Send(HttpMethod.Get, url);
        using var cached = await Send(HttpMethod.Get, url, r => r.Headers.IfModifiedSince = lastModified);

        Assert.Equal(HttpStatusCode.NotModified, computed.StatusCode);
        Assert.Equal("MISS", Single(computed, "X-Cache"));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        Assert.Equal("HIT", Single(cached, "X-Cache"));
        Assert.Equal(kept.Headers.ETag, computed.Headers.ETag);
        Assert.Equal(kept.Headers.ETag, cached.Headers.ETag);
        Assert.Equal(kept.Content.Headers.LastModified, cached.Content.Headers.LastModified);
    }

    [Theory]
    [InlineData("/odata/Targets('no-such-target')")]
    [InlineData("/odata/Targets?$top=abc")]
    [InlineData("/odata/Nowhere")]
    public async Task AConditionThatHoldsForAnyAnswerDoesNotHideAnError(string url)
    {
        var lastModified = (await Send(HttpMethod.Get, "/odata")).Content.Headers.LastModified!.Value;
        using var plain = await Send(HttpMethod.Get, url);
        using var since = await Send(HttpMethod.Get, url, r => r.Headers.IfModifiedSince = lastModified);
        using var any = await Send(HttpMethod.Get, url, r => r.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any));

        Assert.True((int)plain.StatusCode >= 400);
        Assert.Equal(plain.StatusCode, since.StatusCode);
        Assert.Equal(plain.StatusCode, any.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task ARangeIsServedOnlyWhileIfRangeStillNamesTheFile(string url)
    {
        using var full = await Send(HttpMethod.Get, url);
        var whole = await full.Content.ReadAsByteArrayAsync();
        var etag = full.Headers.ETag!;
        var lastModified = full.Content.Headers.LastModified!.Value;
        var offset = whole.Length / 3;

        (string Condition, RangeConditionHeaderValue? IfRange, bool Partial)[] cases =
        [
            ("no If-Range", null, true),
            ("its ETag", new RangeConditionHeaderValue(etag), true),
            ("its Last-Modified", new RangeConditionHeaderValue(lastModified), true),
            ("another ETag", new RangeConditionHeaderValue("\"stale\""), false),
            ("its ETag made weak (If-Range compares strongly)", new RangeConditionHeaderValue(new EntityTagHeaderValue(etag.Tag, isWeak: true)), false),
            ("an earlier date", new RangeConditionHeaderValue(lastModified.AddDays(-1)), false),
            ("a later date (not the file's date exactly)", new RangeConditionHeaderValue(lastModified.AddSeconds(1)), false),
        ];
        foreach (var (condition, ifRange, partial) in cases)
        {
            using var response = await Send(HttpMethod.Get, url, request =>
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
                request.Headers.IfRange = ifRange;
            });
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True((partial ? HttpStatusCode.PartialContent : HttpStatusCode.OK) == response.StatusCode, $"{url} with If-Range {condition}: {(int)response.StatusCode}");
            Assert.Equal(partial ? whole[offset..] : whole, body);
            // A part is of the same representation as the whole: the same validators and caching.
            Assert.Equal(etag, response.Headers.ETag);
            Assert.Equal(lastModified, response.Content.Headers.LastModified);
            Assert.Equal(full.Headers.CacheControl, response.Headers.CacheControl);
            Assert.Equal(full.Headers.Vary, response.Headers.Vary);
        }
    }

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task HeadOfARangeDescribesThePart(string url)
    {
        var whole = await app.CreateClient().GetByteArrayAsync(url);
        using var head = await Send(HttpMethod.Head, url, request => request.Headers.Range = new RangeHeaderValue(10, 19));

        Assert.Equal(HttpStatusCode.PartialContent, head.StatusCode);
        Assert.Equal("10", Headers(head)["Content-Length"]);
        Assert.Equal($"bytes 10-19/{whole.Length}", Headers(head)["Content-Range"]);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task APreferredPageSizeIsAppliedAndSaysSo(string set, int count)
    {
        var size = Math.Clamp(count / 3, 1, QueryLimits.PageSize);
        var rows = 0;
        var pages = 0;
        for (string? next = $"/odata/{set}"; next is not null; pages++)
        {
            Assert.True(pages <= count, "paging does not end");
            using var page = await Send(HttpMethod.Get, next, r => r.Headers.Add("Prefer", $"odata.maxpagesize={size}"));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal($"odata.maxpagesize={size}", Single(page, "Preference-Applied"));
            Assert.Contains("Prefer", page.Headers.Vary);
            var json = JsonNode.Parse(await page.Content.ReadAsStringAsync())!;
            Assert.True(json["value"]!.AsArray().Count <= size);
            rows += json["value"]!.AsArray().Count;
            next = (string?)json["@odata.nextLink"];
        }

        Assert.Equal(count, rows);
        Assert.Equal((count + size - 1) / size, pages);
    }

    [Fact]
    public async Task APageSizeAboveTheServicesIsAnsweredWithTheServicesAndSaysSo()
    {
        using var page = await Send(HttpMethod.Get, "/odata/Targets", r => r.Headers.Add("Prefer", $"odata.maxpagesize={QueryLimits.PageSize * 5}"));

        Assert.Equal($"odata.maxpagesize={QueryLimits.PageSize}", Single(page, "Preference-Applied"));
        Assert.Equal(Math.Min(QueryLimits.PageSize, SeedFiles.TargetRows.Count), JsonNode.Parse(await page.Content.ReadAsStringAsync())!["value"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("/odata/Targets")]                          // no preference
    [InlineData("/odata/Targets('{key}')")]                 // an entity is not paged
    [InlineData("/odata/Targets/$count")]
    [InlineData("/odata/Targets?$format=csv")]              // a CSV is never paged
    public async Task NoPreferenceIsSaidAppliedWhereNoneWas(string template)
    {
        var url = await Resolve(template);
        using var response = await Send(HttpMethod.Get, url, r =>
        {
            if (template != "/odata/Targets") r.Headers.Add("Prefer", "odata.maxpagesize=2");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Preference-Applied"));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task A40ClientAfterA401OneGetsThe40FormsAndReadsEveryPage(string set, int count)
    {
        // The library writes "$format=json"; pages of a third of the set, so that every set has a nextLink.
        var url = $"/odata/{set}?$format=json&$filter=Id ne '{Guid.NewGuid():N}'";
        var prefer = $"odata.maxpagesize={Math.Clamp(count / 3, 1, QueryLimits.PageSize)}";
        var newer = await ReadAll(url, "4.01", prefer);
        var older = await ReadAll(url, "4.0", prefer);

        Assert.Equal(count, newer.Rows);
        Assert.Equal(count, older.Rows);
        Assert.All(newer.Pages, page => Assert.Equal("4.01", page.Version));
        Assert.All(newer.Pages, page => Assert.Contains("\"@context\"", page.Body));
        Assert.All(newer.Pages.SkipLast(1), page => Assert.Contains("\"@nextLink\"", page.Body));
        Assert.All(older.Pages, page => Assert.Equal("4.0", page.Version));
        Assert.All(older.Pages, page => Assert.Contains("\"@odata.context\"", page.Body));
        Assert.All(older.Pages.SkipLast(1), page => Assert.Contains("\"@odata.nextLink\"", page.Body));
        Assert.All(older.Pages, page => Assert.DoesNotContain("\"@context\"", page.Body));
        Assert.Equal("MISS", older.Pages[0].Cache);
        Assert.NotEqual(newer.Pages[0].ETag, older.Pages[0].ETag);
        Assert.Contains("OData-MaxVersion", older.Pages[0].Vary);
        Assert.Contains("OData-Version", older.Pages[0].Vary);
    }

    [Theory]
    [InlineData("/odata/Targets('{key}')")]
    [InlineData("/odata/Targets?$top=2")]                   // the fast writer's: 4.0 forms for everyone, and it says so
    [InlineData("/odata/Targets?$top=2&$format=json")]
    public async Task EveryAnswerSaysTheODataVersionOfItsForms(string template)
    {
        var url = await Resolve(template);
        foreach (var version in new[] { "4.01", "4.0", "4.01" })
        {
            using var response = await Send(HttpMethod.Get, url, r => r.Headers.Add("OData-MaxVersion", version));
            var body = await response.Content.ReadAsStringAsync();
            var written = Single(response, "OData-Version");
            Assert.Equal(body.Contains("\"@context\"", StringComparison.Ordinal) ? "4.01" : "4.0", written);
            if (version == "4.0") Assert.Contains("\"@odata.context\"", body);
        }
    }

    private async Task<(int Rows, List<(string Version, string Body, string? Cache, EntityTagHeaderValue? ETag, HttpHeaderValueCollection<string> Vary)> Pages)> ReadAll(
        string url, string maxVersion, string prefer)
    {
        var pages = new List<(string, string, string?, EntityTagHeaderValue?, HttpHeaderValueCollection<string>)>();
        var rows = 0;
        for (string? next = url; next is not null;)
        {
            Assert.True(pages.Count < 100, "paging does not end");
            using var page = await Send(HttpMethod.Get, next, r =>
            {
                r.Headers.Add("OData-MaxVersion", maxVersion);
                r.Headers.Add("Prefer", prefer);
            });
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var body = await page.Content.ReadAsStringAsync();
            var json = JsonNode.Parse(body)!;
            rows += json["value"]!.AsArray().Count;
            pages.Add((Single(page, "OData-Version"), body, page.Headers.TryGetValues("X-Cache", out var cache) ? cache.Single() : null, page.Headers.ETag, page.Headers.Vary));
            // The 4.0 client reads only the 4.0 annotation, as Microsoft.OData.Client does: a 4.01 one in its answer ends its paging.
            next = maxVersion == "4.0" ? (string?)json["@odata.nextLink"] : (string?)(json["@nextLink"] ?? json["@odata.nextLink"]);
        }
        return (rows, pages);
    }

    // "{key}" (quoted or not, in whatever form the document writes it) becomes a real key of the set: the first whose
    // navigation, if the path follows one, holds something.
    private async Task<string> Resolve(string template)
    {
        var match = KeyTemplate().Match(template);
        if (!match.Success) return template;
        var set = template["/odata/".Length..template.IndexOf('(', StringComparison.Ordinal)];
        var navigation = template[(match.Index + match.Length)..].TrimStart(')').Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        string[] filters = navigation is null ? [""] : [$"&$filter={navigation}/any()", $"&$filter={navigation} ne null"];
        foreach (var filter in filters)
        {
            using var response = await app.CreateClient().GetAsync($"/odata/{set}?$top=1&$select=Id{filter}");
            if (!response.IsSuccessStatusCode) continue;   // any() is for collections, "ne null" for single navigations
            var key = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["value"]![0]!["Id"]!;
            return template[..match.Index] + "'" + Uri.EscapeDataString(key) + "'" + template[(match.Index + match.Length)..];
        }
        throw new Xunit.Sdk.XunitException($"no key of {set} to fill {template}");
    }

    [GeneratedRegex(@"'?\{key\}'?")]
    private static partial Regex KeyTemplate();

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, url);
        configure?.Invoke(request);
        return await app.CreateClient().SendAsync(request);
    }

    // As sent: the client would compute a Content-Length of its own for an empty body.
    private static Dictionary<string, string> Headers(HttpResponseMessage response) =>
        response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);

    private static SortedDictionary<string, string> Without(Dictionary<string, string> headers, HashSet<string> names) =>
        new(headers.Where(h => !names.Contains(h.Key)).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value), StringComparer.Ordinal);

    private static string[] Allow(HttpResponseMessage response) =>
        response.Content.Headers.Allow.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal).ToArray();

    private static string Single(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) || response.Content.Headers.TryGetValues(header, out values)
            ? Assert.Single(values) : throw new Xunit.Sdk.XunitException($"no {header} header");
}
