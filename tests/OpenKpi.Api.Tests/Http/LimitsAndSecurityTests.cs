using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

[Collection(KpiCollection.Name)]
public sealed class LimitsAndSecurityTests(KpiApplication app)
{
    [Fact]
    public async Task EveryAnswerCarriesTheSecurityHeadersAndItsRequestId()
    {
        using var response = await app.CreateClient().GetAsync("/swagger/index.html");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Request-Id").Single()));
    }

    [Fact]
    public async Task AnErrorBodyEchoesTheRequestId()
    {
        using var response = await app.CreateClient().GetAsync("/odata/Targets?$top=abc");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), (string)body["error"]!["@OpenKpi.requestId"]!);
    }

    [Fact]
    public async Task ATooLongUrlAnswers414NamingTheLimit()
    {
        var filter = string.Join(" or ", Enumerable.Range(0, 400).Select(i => $"Id eq 'x{i}'"));

        using var response = await app.CreateClient().GetAsync($"/odata/Targets?$filter={filter}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.RequestUriTooLong, response.StatusCode);
        Assert.Contains("MaxUrlLength", body);
        Assert.Contains("4096", body);
    }

    [Fact]
    public async Task TooLargeHeadersAnswer431NamingTheLimit()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
        request.Headers.Add("X-Padding", new string('a', 20_000));
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Contains("MaxRequestHeadersBytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TooManySearchTermsAnswer400NamingTheLimit()
    {
        var search = string.Join(" ", "abcdefghijk".Select(c => $"{c}{c}"));

        using var response = await app.CreateClient().GetAsync($"/odata/Targets?$search={search}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxSearchTerms", body);
    }
}

public sealed class RateLimitTests
{
    [Fact]
    public async Task AClientOverTheRateLimitGets429WithRetryAfterAndTheLimit()
    {
        await using var app = new KpiApplication { RateLimit = 5 };
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/odata/Provinces")).StatusCode);

        using var response = await client.GetAsync("/odata/Provinces");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.Contains("5 requests per 60 seconds", (string)body["error"]!["message"]!);
    }

    [Fact]
    public async Task TheProbesAnswerAClientOverTheRateLimit()
    {
        await using var app = new KpiApplication { RateLimit = 2 };
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++) await client.GetAsync("/odata/Provinces");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/odata/Provinces")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task XForwardedForFromAnUnconfiguredProxyDoesNotBuyAnotherRateLimit()
    {
        // Over a real socket: the test server has no client address, which the forwarded-headers middleware does not check.
        await using var app = new KpiApplication { RateLimit = 2 };
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i}");
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task BehindAConfiguredProxyEachForwardedClientHasARateLimitOfItsOwn()
    {
        await using var app = new KpiApplication { RateLimit = 2, Settings = { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" } };
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();

        async Task<HttpStatusCode> From(string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
            request.Headers.Add("X-Forwarded-For", address);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await From("203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await From("203.0.113.1"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await From("203.0.113.1"));
        Assert.Equal(HttpStatusCode.OK, await From("203.0.113.2"));
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("a'b")]
    [InlineData("xn--zz")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void AHostHeaderThatIsNoHostNameIsRefused(string host) => Assert.False(OpenKpi.Api.Http.HttpExtensions.IsHostName(host));

    [Theory]
    [InlineData("localhost:5000")]
    [InlineData("api.openkpi.vn")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]:8080")]
    public void AHostNameAndPortAreTaken(string host) => Assert.True(OpenKpi.Api.Http.HttpExtensions.IsHostName(host));

    [Fact]
    public async Task AnInvalidHostOverARealSocketAnswers400WithAJsonBody()
    {
        await using var app = new KpiApplication();
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Targets?$top=1");
        request.Headers.TryAddWithoutValidation("Host", "xn--zz");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Host header", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!);
    }
}
