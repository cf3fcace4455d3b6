using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Http;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

/// <summary>A repeated query is answered from memory with the first answer's bytes; nothing else changes.</summary>
[Collection(KpiCollection.Name)]
public sealed class ResponseCacheTests(KpiApplication app)
{
    // A query no other test sends, so its first request is computed here.
    private static string Unique(string set) => $"/odata/{set}?$filter=Id ne '{Guid.NewGuid():N}'";

    [Fact]
    public async Task ARepeatedQueryIsAnsweredWithTheSameBytesAndItsOwnRequestId()
    {
        var url = Unique("Targets") + "&$select=Id,RawValue&$top=20";
        using var first = await app.CreateClient().GetAsync(url);
        using var second = await app.CreateClient().GetAsync(url);

        Assert.Equal("MISS", Cache(first));
        Assert.Equal("HIT", Cache(second));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Headers.GetValues("api-supported-versions"), second.Headers.GetValues("api-supported-versions"));
        Assert.NotEqual(first.Headers.GetValues("X-Request-Id").Single(), second.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task AnAnswerOfSeveralChunksIsKeptByteForByte()
    {
        // Every target with all its columns: larger than the 80 KB segments the cache keeps its copy in.
        var url = Unique("Targets") + "&$top=1000";
        using var first = await app.CreateClient().GetAsync(url);
        using var second = await app.CreateClient().GetAsync(url);

        var bytes = await first.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length > 80 * 1024, $"the answer is {bytes.Length} bytes");
        Assert.Equal("HIT", Cache(second));
        Assert.Equal(bytes, await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task RequestsArrivingTogetherComputeTheAnswerOnce()
    {
        // "Together" made certain: the first answer is not kept, and so its computation not over, until every request has
        // reached the cache, and a moment more for the last to look and find it is being computed. Without the hold, a
        // request the thread pool runs late can look before the first answer is kept and ask after it, and compute it again.
        const int requests = 16;
        var marker = Guid.NewGuid().ToString("N");
        var arrivals = new Arrivals(marker, requests);
        await using var held = new KpiApplication
        {
            LastServices = services =>
            {
                services.Configure<OutputCacheOptions>(options => options.AddBasePolicy(arrivals));
                var store = services.Last(s => s.ServiceType == typeof(IOutputCacheStore));
                services.AddSingleton<IOutputCacheStore>(provider =>
                    new StoreHeldUntilEveryArrival((IOutputCacheStore)store.ImplementationFactory!(provider), arrivals));
            },
        };
        var url = $"/odata/Targets?$filter=Id ne '{marker}'&$format=csv";
        var answers = await Task.WhenAll(Enumerable.Range(0, requests).Select(async _ =>
        {
            using var response = await held.CreateClient().GetAsync(url);
            return (Cache: Cache(response), Body: await response.Content.ReadAsByteArrayAsync());
        }));

        Assert.Equal(requests, arrivals.Count);
        Assert.Single(answers, a => a.Cache == "MISS");
        Assert.All(answers, a => Assert.Equal(answers[0].Body, a.Body));
    }

    /// <summary>Counts the requests for the marked query that reached the output cache (a base policy runs for each before its lookup).</summary>
    private sealed class Arrivals(string marker, int expected) : IOutputCachePolicy
    {
        private readonly TaskCompletionSource every = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int count;

        public int Count => Volatile.Read(ref count);

        public bool Marks(string text) => text.Contains(marker, StringComparison.OrdinalIgnoreCase);

        public async Task Every()
        {
            await every.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(100);
        }

        ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            if (Marks(context.HttpContext.Request.QueryString.Value ?? "") && Interlocked.Increment(ref count) == expected) every.TrySetResult();
            return ValueTask.CompletedTask;
        }

        ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
    }

    /// <summary>The output cache's own store, which keeps the marked query's answer only once every request for it has arrived.</summary>
    private sealed class StoreHeldUntilEveryArrival(IOutputCacheStore inner, Arrivals arrivals) : IOutputCacheStore
    {
        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public async ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
        {
            if (arrivals.Marks(key)) await arrivals.Every();
            await inner.SetAsync(key, value, tags, validFor, cancellationToken);
        }

        public ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken) => inner.EvictByTagAsync(tag, cancellationToken);
    }

    [Fact]
    public async Task RequestsWaitingOnAnErrorGetTheirOwnError()
    {
        var url = $"/odata/Targets?$filter=Nope eq '{Guid.NewGuid():N}'";
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.CreateClient().GetAsync(url)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.All(answers, a => Assert.NotEqual("HIT", Cache(a)));   // an error is never kept, nor replayed to those waiting
        foreach (var answer in answers)
        {
            Assert.Contains("Nope", await answer.Content.ReadAsStringAsync());
            answer.Dispose();
        }
    }

    [Fact]
    public async Task ACachedAnswerStillGetsCorsAndTheSecurityHeaders()
    {
        // Answers come from the cache before routing; what every answer carries is set before that.
        var url = Unique("Indicators") + "&$top=3";
        await app.CreateClient().GetAsync(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Origin", "https://portal.example.gov.vn");
        using var second = await app.CreateClient().SendAsync(request);

        Assert.Equal("HIT", Cache(second));
        Assert.Equal("*", Assert.Single(second.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("nosniff", Assert.Single(second.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task IfNoneMatchOnACachedAnswerIs304WithItsCachingHeadersAndNoContent()
    {
        var url = Unique("Targets") + "&$top=4";
        var client = app.CreateClient();
        using var first = await client.GetAsync(url);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        using var otherTag = new HttpRequestMessage(HttpMethod.Get, url);
        otherTag.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"another\""));
        using var full = await client.SendAsync(otherTag);

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("HIT", Cache(notModified));
        Assert.Equal(first.Headers.ETag, notModified.Headers.ETag);
        Assert.Equal(first.Headers.Vary, notModified.Headers.Vary);
        Assert.Equal("1.0", Assert.Single(notModified.Headers.GetValues("api-supported-versions")));
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Null(notModified.Content.Headers.ContentType);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await full.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TheOrderOfQueryOptionsDoesNotMakeANewEntry()
    {
        var filter = $"$filter=Id ne '{Guid.NewGuid():N}'";
        using var first = await app.CreateClient().GetAsync($"/odata/Targets?{filter}&$top=5&$skip=5");
        using var second = await app.CreateClient().GetAsync($"/odata/Targets?$skip=5&$top=5&{filter}");

        Assert.Equal("HIT", Cache(second));
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CompressedAndPlainAnswersAreKeptApart()
    {
        var url = Unique("Indicators");
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, url);
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var compressed = await app.CreateClient().SendAsync(gzipRequest);
        using var plain = await app.CreateClient().GetAsync(url);

        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Equal("MISS", Cache(plain));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.StartsWith("{", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonAndCsvOfOneQueryAreKeptApart()
    {
        var url = Unique("Provinces");
        using var json = await app.CreateClient().GetAsync(url);
        using var csv = await app.CreateClient().GetAsync(url + "&$format=csv");

        Assert.Equal("MISS", Cache(csv));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AnAnswerForAnotherHostIsNeverServedToThisOne()
    {
        // The host is written into @odata.context and nextLink: a shared entry would let anyone plant links.
        var url = Unique("Targets") + "&$top=1";
        using var planted = new HttpRequestMessage(HttpMethod.Get, url);
        planted.Headers.Host = "attacker.example";
        using var first = await app.CreateClient().SendAsync(planted);
        using var second = await app.CreateClient().GetAsync(url);

        Assert.Contains("attacker.example", await first.Content.ReadAsStringAsync());
        Assert.Equal("MISS", Cache(second));
        Assert.DoesNotContain("attacker.example", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task APreferredPageSizeIsKeptApartFromTheDefault()
    {
        var url = Unique("Targets") + "&$top=3";
        using var small = new HttpRequestMessage(HttpMethod.Get, url);
        small.Headers.Add("Prefer", "odata.maxpagesize=1");
        using var first = await app.CreateClient().SendAsync(small);
        using var second = await app.CreateClient().GetAsync(url);

        var firstPage = System.Text.Json.Nodes.JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var secondPage = System.Text.Json.Nodes.JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Single(firstPage["value"]!.AsArray());
        Assert.Equal("MISS", Cache(second));
        Assert.Equal(Math.Min(3, SeedFiles.TargetRows.Count), secondPage["value"]!.AsArray().Count);
        Assert.NotEqual(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task AnAnswerForTheHostWrittenInOtherLettersIsKeptApart()
    {
        // Host names ignore case, but the answer writes the host as sent into its links: the cache's own VaryByHost does not tell them apart.
        var url = Unique("Provinces") + "&$top=1";
        using var upper = new HttpRequestMessage(HttpMethod.Get, url);
        upper.Headers.Host = "LOCALHOST";
        using var first = await app.CreateClient().SendAsync(upper);
        using var second = await app.CreateClient().GetAsync(url);

        Assert.Contains("//LOCALHOST/", await first.Content.ReadAsStringAsync());
        Assert.Equal("MISS", Cache(second));
        Assert.Contains("//localhost/", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACachedAnswerIsDatedWhenItIsServedAndHasNoAge()
    {
        // Clients count max-age from Date and Age: a kept answer is as fresh as one computed now, the data being the same.
        var url = Unique("Units");
        using var first = await app.CreateClient().GetAsync(url);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var second = await app.CreateClient().GetAsync(url);

        Assert.Equal("HIT", Cache(second));
        Assert.True(second.Headers.Date > first.Headers.Date, $"{second.Headers.Date} is not later than {first.Headers.Date}");
        Assert.Null(second.Headers.Age);
        Assert.Equal(first.Headers.CacheControl, second.Headers.CacheControl);
    }

    [Fact]
    public async Task ACachedAnswerTakesNoQueryPermit()
    {
        // The cache answers before admission: while every permit is held, a kept answer is served and a new query is refused.
        await using var one = new KpiApplication { Settings = { ["Concurrency:QueryPermits"] = "1", ["Concurrency:QueryQueue"] = "0" } };
        using var first = await one.CreateClient().GetAsync("/odata/Provinces?$top=3");
        using var held = await one.Services.GetRequiredService<QueryAdmission>().EnterQueryAsync(CancellationToken.None);
        Assert.True(held.IsAcquired);
        using var cached = await one.CreateClient().GetAsync("/odata/Provinces?$top=3");
        using var computed = await one.CreateClient().GetAsync("/odata/Provinces?$top=4");

        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
        Assert.Equal("HIT", Cache(cached));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await cached.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, computed.StatusCode);
    }

    [Fact]
    public async Task ErrorsAreNeverKept()
    {
        var url = $"/odata/Targets?$filter=Nope eq '{Guid.NewGuid():N}'";
        using var first = await app.CreateClient().GetAsync(url);
        using var second = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.NotEqual("HIT", Cache(second));
    }

    [Fact]
    public async Task AnAnswerLargerThanAnEntryMayBeIsServedWholeButNotKept()
    {
        await using var small = new KpiApplication { Settings = { ["ResponseCache:MaxEntryKilobytes"] = "1" } };
        using var first = await small.CreateClient().GetAsync("/odata/Targets?$top=50");
        using var second = await small.CreateClient().GetAsync("/odata/Targets?$top=50");

        Assert.True((await second.Content.ReadAsByteArrayAsync()).Length > 1024);
        Assert.Equal(50, System.Text.Json.Nodes.JsonNode.Parse(await second.Content.ReadAsStringAsync())!["value"]!.AsArray().Count);
        Assert.Equal("MISS", Cache(second));
    }

    [Fact]
    public async Task TheCacheCanBeSwitchedOff()
    {
        await using var uncached = new KpiApplication { Settings = { ["ResponseCache:Enabled"] = "false" } };
        await uncached.CreateClient().GetAsync("/odata/Provinces");
        using var second = await uncached.CreateClient().GetAsync("/odata/Provinces");

        Assert.False(second.Headers.Contains(ResponseCachePolicy.Header));
    }

    private static string? Cache(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ResponseCachePolicy.Header, out var values) ? values.Single() : null;
}
