using System.Net;
using System.Text.Json.Nodes;
using System.Xml;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Revisions;

/// <summary>
/// OData delta as a portal follows it, read by Microsoft.OData.Core's own reader (ODataMessageReader): a copy of the seeds gets a
/// revision that renames one agency and removes one target, and each answer is held to what that change was.
/// </summary>
public sealed class DeltaTests : IAsyncLifetime
{
    private readonly SeedFolder _folder = new();
    private KpiApplication _app = null!;
    private string _renamedAgency = "";
    private string _removedTarget = "";
    private string _latest = "";

    public async Task InitializeAsync()
    {
        var agencies = Path.Combine(_folder.Seeds, "agencies", "VN-09.json");
        var records = JsonNode.Parse(await File.ReadAllTextAsync(agencies))!.AsArray();
        _renamedAgency = (string)records[0]!["id"]!;
        records[0]!["nameEn"] = (string)records[0]!["nameEn"]! + " (renamed)";
        await File.WriteAllTextAsync(agencies, records.ToJsonString());
        var targets = Path.Combine(_folder.Seeds, "targets", "bd-kh2023-2023.json");
        var table = JsonNode.Parse(await File.ReadAllTextAsync(targets))!.AsObject();
        var rows = table["rows"]!.AsArray();
        _removedTarget = (string)rows[^1]!["id"]!;
        rows.RemoveAt(rows.Count - 1);
        await File.WriteAllTextAsync(targets, table.ToJsonString());
        _folder.PublishRevision("Renames one agency and removes one target.");
        _latest = Directory.GetFiles(Path.Combine(_folder.Seeds, "revisions"), "*.json").Length.ToString();
        _app = new KpiApplication { SeedDirectory = _folder.Seeds, DatabasePath = _folder.Database };
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _folder.Dispose();
    }

    private sealed record DeltaAnswer(List<ODataResource> Changed, List<ODataDeletedResource> Removed, Uri? DeltaLink, Uri? NextLink);

    // The answer as a client library reads it, with the service's own $metadata.
    private async Task<DeltaAnswer> ReadDelta(string url, string set)
    {
        using var client = _app.CreateClient();
        var model = CsdlReader.Parse(XmlReader.Create(new StringReader(await client.GetStringAsync("/odata/$metadata"))));
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = new ResponseMessage(await response.Content.ReadAsStreamAsync(), response.Content.Headers.ContentType!.ToString());
        using var reader = new ODataMessageReader(message, new ODataMessageReaderSettings { BaseUri = new Uri(client.BaseAddress!, "/odata/") }, model);
        var entitySet = model.EntityContainer.FindEntitySet(set);
        var delta = reader.CreateODataDeltaResourceSetReader(entitySet, entitySet.EntityType);
        var answer = new DeltaAnswer([], [], null, null);
        while (delta.Read())
        {
            switch (delta.State)
            {
                case ODataReaderState.ResourceEnd: answer.Changed.Add((ODataResource)delta.Item); break;
                case ODataReaderState.DeletedResourceEnd: answer.Removed.Add((ODataDeletedResource)delta.Item); break;
                case ODataReaderState.DeltaResourceSetEnd:
                    var feed = (ODataDeltaResourceSet)delta.Item;
                    answer = answer with { DeltaLink = feed.DeltaLink, NextLink = feed.NextPageLink };
                    break;
            }
        }
        return answer;
    }

    private static object? ValueOf(ODataResource resource, string property) => resource.Properties.OfType<ODataProperty>().Single(p => p.Name == property).Value;

    [Fact]
    public async Task ADeltaFromTheRevisionBeforeHoldsExactlyWhatTheRevisionChanged()
    {
        var agencies = await ReadDelta("/odata/Agencies?$deltatoken=" + (int.Parse(_latest) - 1), "Agencies");

        var changed = Assert.Single(agencies.Changed);
        Assert.Equal(_renamedAgency, ValueOf(changed, "Id"));
        Assert.EndsWith(" (renamed)", (string)ValueOf(changed, "NameEn")!);
        Assert.Equal(_latest, ValueOf(changed, "RevisionId"));
        Assert.Empty(agencies.Removed);
        Assert.EndsWith($"/odata/Agencies?$deltatoken={_latest}", agencies.DeltaLink!.AbsoluteUri);

        var targets = await ReadDelta("/odata/Targets?$deltatoken=" + (int.Parse(_latest) - 1), "Targets");
        Assert.Empty(targets.Changed);
        var removed = Assert.Single(targets.Removed);
        Assert.EndsWith($"/odata/Targets('{_removedTarget}')", removed.Id.AbsoluteUri);
        Assert.Equal(DeltaDeletedEntryReason.Deleted, removed.Reason);
    }

    [Fact]
    public async Task TheDeltaLinkOfTheLatestRevisionReturnsNothingNew()
    {
        var answer = await ReadDelta($"/odata/Targets?$deltatoken={_latest}", "Targets");

        Assert.Empty(answer.Changed);
        Assert.Empty(answer.Removed);
        Assert.EndsWith($"$deltatoken={_latest}", answer.DeltaLink!.AbsoluteUri);
    }

    [Fact]
    public async Task AFilteredDeltaKeepsItsFilterInTheNextDeltaLink()
    {
        var answer = await ReadDelta($"/odata/Agencies?$filter=ProvinceId eq 'VN-57'&$deltatoken=" + (int.Parse(_latest) - 1), "Agencies");

        Assert.Empty(answer.Changed);   // the renamed agency is Lạng Sơn's (VN-09)
        Assert.Contains("$filter=ProvinceId", Uri.UnescapeDataString(answer.DeltaLink!.Query));
    }

    [Fact]
    public async Task TrackingChangesPutsTheDeltaLinkOnTheLastPageOnly()
    {
        using var client = _app.CreateClient();
        var url = "/odata/Targets";
        var pages = new List<JsonObject>();
        while (url is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("Prefer", "odata.track-changes");
            using var response = await client.SendAsync(request);
            Assert.Contains("odata.track-changes", response.Headers.GetValues("Preference-Applied").Single());
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            pages.Add(page);
            url = (string?)page["@odata.nextLink"]!;
        }

        Assert.True(pages.Count > 1);
        Assert.All(pages[..^1], p => Assert.Null(p["@odata.deltaLink"]));
        Assert.EndsWith($"/odata/Targets?$deltatoken={_latest}", (string)pages[^1]["@odata.deltaLink"]!);
    }

    /// <summary>A rolling update: a next link minted by a replica of the revision before, followed on one of the new revision.</summary>
    [Fact]
    public async Task ANextLinkFromAnotherRevisionAnswersGoneNeverAPageOfOtherData()
    {
        await using var before = new KpiApplication();   // the committed seeds: the revision before this folder's
        foreach (var url in new[] { "/odata/Targets", "/odata/Targets?$select=Id&$expand=Province", "/odata/Indicators?$filter=GroupId ne 'x'" })
        {
            var next = (string)(await before.GetJson(url))["@odata.nextLink"]!;
            Assert.Contains($"revision={int.Parse(_latest) - 1}", next);

            using var response = await _app.CreateClient().GetAsync(new Uri(next).PathAndQuery);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("Start over", (string)body["error"]!["message"]!);
            Assert.Null(body["value"]);
        }
        var sameRevision = (string)(await _app.GetJson("/odata/Targets"))["@odata.nextLink"]!;
        Assert.Contains($"revision={_latest}", sameRevision);
        Assert.NotEmpty((await _app.GetJson(new Uri(sameRevision).PathAndQuery))["value"]!.AsArray());
    }

    [Theory]
    [InlineData("/odata/Agencies?$deltatoken=99", HttpStatusCode.Gone)]
    [InlineData("/odata/Agencies?$deltatoken=abc", HttpStatusCode.Gone)]
    [InlineData("/odata/Agencies?$deltatoken=1&$top=3", HttpStatusCode.BadRequest)]
    [InlineData("/odata/Agencies?$deltatoken=1&$format=csv", HttpStatusCode.BadRequest)]
    [InlineData("/odata/Agencies('x')?$deltatoken=1", HttpStatusCode.BadRequest)]
    [InlineData("/odata/Revisions?$deltatoken=1", HttpStatusCode.BadRequest)]
    public async Task ATokenThisDatasetDoesNotHoldOrADeltaOfAnotherShapeIsAClearError(string url, HttpStatusCode status)
    {
        using var response = await _app.CreateClient().GetAsync(url);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(status, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]!["message"]));
        if (status == HttpStatusCode.Gone) Assert.Contains("Start over", (string)body["error"]!["message"]!);
    }

    private sealed class ResponseMessage(Stream body, string contentType) : IODataResponseMessage
    {
        private readonly Dictionary<string, string> _headers = new() { ["Content-Type"] = contentType, ["OData-Version"] = "4.0" };
        public IEnumerable<KeyValuePair<string, string>> Headers => _headers;
        public int StatusCode { get; set; } = 200;
        public string GetHeader(string headerName) => _headers.GetValueOrDefault(headerName)!;
        public void SetHeader(string headerName, string headerValue) => _headers[headerName] = headerValue;
        public Stream GetStream() => body;
    }
}
