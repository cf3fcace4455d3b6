using System.Net;
using System.Net.Http.Headers;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

[Collection(KpiCollection.Name)]
public sealed class HttpBehaviourTests(KpiApplication app)
{
    [Theory]
    [InlineData("br", "/odata/CatalogueEntries")]
    [InlineData("gzip", "/odata/CatalogueEntries")]
    [InlineData("br", "/odata/CatalogueEntries?$format=csv")]
    [InlineData("gzip", "/downloads/openkpi.json")]
    public async Task JsonAndCsvAreCompressedWhenTheClientAsks(string encoding, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public async Task AnyOriginMayReadTheApiFromABrowser()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
        request.Headers.Add("Origin", "https://portal.example.gov.vn");
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("api-supported-versions", response.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    [Fact]
    public async Task APreflightAllowsReadsOnly()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/odata/Targets");
        request.Headers.Add("Origin", "https://portal.example.gov.vn");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await app.CreateClient().SendAsync(request);

        Assert.True(response.IsSuccessStatusCode);
        var methods = response.Headers.GetValues("Access-Control-Allow-Methods").Single();
        Assert.Contains("GET", methods);
        Assert.DoesNotContain("POST", methods);
    }
}

[Collection(KpiCollection.Name)]
public sealed class CachingTests(KpiApplication app)
{
    [Fact]
    public async Task AnAnswerCarriesAStrongETagAndCachingHeaders()
    {
        using var response = await app.CreateClient().GetAsync("/odata/Provinces");

        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(TimeSpan.FromMinutes(5), response.Headers.CacheControl!.MaxAge);
        Assert.True(response.Headers.CacheControl.Public);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.Contains("Prefer", response.Headers.Vary);   // odata.maxpagesize changes the answer
    }

    [Fact]
    public async Task IfNoneMatchWithTheSameETagAnswers304WithTheSupportedVersions()
    {
        var client = app.CreateClient();
        using var first = await client.GetAsync("/odata/Targets?$top=2");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/odata/Targets?$top=2");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var second = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal("1.0", Assert.Single(second.Headers.GetValues("api-supported-versions")));
    }

    [Fact]
    public async Task DifferentRequestsOrFormatsHaveDifferentETags()
    {
        var client = app.CreateClient();
        using var json = await client.GetAsync("/odata/Targets?$top=2");
        using var other = await client.GetAsync("/odata/Targets?$top=3");
        using var csv = await client.GetAsync("/odata/Targets?$top=2&$format=csv");

        Assert.NotEqual(json.Headers.ETag, other.Headers.ETag);
        Assert.NotEqual(json.Headers.ETag, csv.Headers.ETag);
    }

    [Fact]
    public async Task AnswersForOtherHostsHaveOtherETags()
    {
        // The host is written into the answer (@odata.context), so the same path on another host is other bytes.
        var client = app.CreateClient();
        using var here = await client.GetAsync("/odata/Targets?$top=2");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Targets?$top=2");
        request.Headers.Host = "mirror.example";
        using var there = await client.SendAsync(request);

        Assert.NotEqual(here.Headers.ETag, there.Headers.ETag);
    }

    [Fact]
    public async Task ErrorsAreNotCached()
    {
        using var response = await app.CreateClient().GetAsync("/odata/Targets?$top=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.ETag);
    }
}
