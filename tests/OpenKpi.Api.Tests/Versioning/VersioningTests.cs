using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Versioning;

[Collection(KpiCollection.Name)]
public sealed class VersioningTests(KpiApplication app)
{
    [Theory]
    [InlineData("/odata/Provinces")]
    [InlineData("/odata/v1/Provinces")]
    [InlineData("/odata/Provinces?api-version=1.0")]
    [InlineData("/odata/Provinces?api-version=1")]
    [InlineData("/odata/v1/Provinces?api-version=1.0")]
    [InlineData("/odata/Indicators('doctors-per-10000-population')/Targets?api-version=1.0")]
    public async Task VersionOneIsServedAtEveryAddressWithTheSupportedVersionsHeader(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0", Assert.Single(response.Headers.GetValues("api-supported-versions")));
    }

    [Fact]
    public async Task TheVersionedPathServesTheSameRows()
    {
        var current = await app.GetJson("/odata/Targets?$orderby=Id&$select=Id,RawValue");
        var v1 = await app.GetJson("/odata/v1/Targets?$orderby=Id&$select=Id,RawValue");

        Assert.Equal(current["value"]!.ToJsonString(), v1["value"]!.ToJsonString());
    }

    [Theory]
    [InlineData("/odata/Provinces?api-version=2.0")]
    [InlineData("/odata/Provinces?api-version=banana")]
    [InlineData("/odata/v2/Provinces")]
    [InlineData("/odata/v9")]
    [InlineData("/odata/$metadata?api-version=3.0")]
    [InlineData("/odata?api-version=2.0")]
    [InlineData("/odata/v1/Provinces?api-version=2.0")]
    public async Task AnUnknownVersionAnswers400WithAnODataError(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ApiVersion", (string)body["error"]!["code"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]!["message"]));
        Assert.True(response.Headers.Contains("api-supported-versions"));
    }

    [Theory]
    [InlineData("/odata")]
    [InlineData("/odata/$metadata")]
    [InlineData("/odata/v1/$metadata")]
    public async Task TheModelDocumentsCarryTheSupportedVersions(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0", Assert.Single(response.Headers.GetValues("api-supported-versions")));
    }
}
