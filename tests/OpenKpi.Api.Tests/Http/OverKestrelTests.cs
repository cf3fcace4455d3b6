using System.Net;
using OpenKpi.Api.Http;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

/// <summary>Over a real socket, through Kestrel: answers larger than its memory blocks arrive whole, also many at once, computed or replayed.</summary>
[Collection(KpiCollection.Name)]
public sealed class OverKestrelTests
{
    private static readonly string[] Urls =
        ["/odata/Targets?$format=csv", "/odata/Targets", "/odata/Indicators?$format=csv", "/odata/Indicators?$expand=Group,Unit"];

    [Theory]
    [InlineData(true)]    // replayed from the output cache
    [InlineData(false)]   // computed every time
    public async Task AnswersSpanningSeveralBlocksArriveWholeWhenManyAreWrittenAtOnce(bool cached)
    {
        using var app = new KpiApplication { Settings = { ["ResponseCache:Enabled"] = cached ? "true" : "false" } };
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();
        Assert.Equal("http", client.BaseAddress!.Scheme);   // Kestrel, not the in-memory test server

        var expected = new Dictionary<string, byte[]>();
        foreach (var url in Urls) expected[url] = await client.GetByteArrayAsync(url);
        Assert.True(expected.Values.Max(body => body.Length) > 64 * 1024, "an answer spans many of Kestrel's 4 KB blocks");

        for (var round = 0; round < 3; round++)
        {
            var answers = await Task.WhenAll(Urls.SelectMany(url => Enumerable.Repeat(url, 8)).Select(async url =>
            {
                using var response = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(cached ? "HIT" : null, response.Headers.TryGetValues(ResponseCachePolicy.Header, out var v) ? v.Single() : null);
                return (url, body: await response.Content.ReadAsByteArrayAsync());
            }));
            foreach (var (url, body) in answers)
                Assert.True(expected[url].AsSpan().SequenceEqual(body), $"{url}: {body.Length} bytes differ from the {expected[url].Length} answered alone");
        }
    }
}
