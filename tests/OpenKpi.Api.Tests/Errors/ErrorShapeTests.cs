using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Errors;

[Collection(KpiCollection.Name)]
public sealed class ErrorShapeTests(KpiApplication app)
{
    [Theory]
    [InlineData("/odata/Targets?$filter=Nope eq 1")]
    [InlineData("/odata/Targets?$filter=Year eq 'x'")]
    [InlineData("/odata/Targets?$filter=(Year eq 1")]
    [InlineData("/odata/Targets?$top=-1")]
    [InlineData("/odata/Targets?$top=abc")]
    [InlineData("/odata/Targets?$top=2147483648")]
    [InlineData("/odata/Targets?$skip=x")]
    [InlineData("/odata/Targets?$orderby=Nope")]
    [InlineData("/odata/Targets?$select=Nope")]
    [InlineData("/odata/Targets?$expand=Nope")]
    [InlineData("/odata/Provinces?$expand=Targets($expand=Indicator($expand=Targets($expand=Document)))")]
    [InlineData("/odata/Targets?$count=maybe")]
    public async Task AnInvalidQueryAnswers400WithAnODataErrorAndNoStackTrace(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(text)!["error"]!.AsObject();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)error["message"]));
        Assert.False(error.ContainsKey("innererror"));
        Assert.DoesNotContain("stacktrace", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task ALimitIsNamedInItsError()
    {
        var text = await (await app.CreateClient().GetAsync("/odata/Targets?$filter=contains(tolower(trim(tolower(SourceLabel))),'x')")).Content.ReadAsStringAsync();

        Assert.Contains($"(MaxFunctionNesting) is {OpenKpi.Api.OData.QueryLimits.MaxFunctionNesting}", text);
    }

    [Theory]
    [InlineData("/odata/Nope")]
    [InlineData("/odata/Targets('no-such-target')")]
    [InlineData("/odata/Indicators('no-such-indicator')/Targets")]
    [InlineData("/odata/Targets('no-such-target')/Indicator")]
    public async Task AnUnknownSetOrKeyAnswers404WithAnODataError(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]!["message"]));
    }

    [Fact]
    public async Task AnUnknownPathOutsideODataAnswersProblemDetails()
    {
        using var response = await app.CreateClient().GetAsync("/no/such/page");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(404, (int)body["status"]!);
    }

    [Theory]
    [InlineData("POST", "/odata/Targets")]
    [InlineData("PUT", "/odata/Targets('x')")]
    [InlineData("PATCH", "/odata/Indicators('doctors-per-10000-population')")]
    [InlineData("DELETE", "/odata/Provinces('VN-09')")]
    public async Task WritesAnswer405WithAnErrorAndTheAllowedMethod(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        using var response = await app.CreateClient().SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("read-only", (string)body["error"]!["message"]!);
    }
}

[Collection(KpiCollection.Name)]
public sealed class MediaTypeTests(KpiApplication app)
{
    [Theory]
    [InlineData("application/pdf")]
    [InlineData("text/xml")]
    public async Task AnUnsupportedAcceptAnswers406WithAJsonError(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
        request.Headers.Accept.ParseAdd(accept);
        using var response = await app.CreateClient().SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("application/json", (string)body["error"]!["message"]!);
    }

    [Theory]
    [InlineData("*/*")]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")]
    public async Task ABrowsersAcceptStillGetsJson(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Provinces");
        request.Headers.Accept.ParseAdd(accept);
        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
    }
}
