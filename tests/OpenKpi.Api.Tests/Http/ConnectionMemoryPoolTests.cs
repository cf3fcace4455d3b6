using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Http;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

/// <summary>The pool Kestrel's connections take their memory from: blocks reused, never handed out twice at once, a bounded idle stock.</summary>
public sealed class ConnectionMemoryPoolTests
{
    [Fact]
    public void EveryRentIsOneWholeBlockHowEverLittleIsAskedFor()
    {
        using var pool = new ConnectionMemoryPool(blockSize: 1024, blocksKept: 4);

        foreach (var asked in new[] { -1, 0, 1, 1024 })
        {
            using var block = pool.Rent(asked);
            Assert.Equal(1024, block.Memory.Length);
        }
        Assert.Equal(1024, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(1025));
    }

    [Fact]
    public void AReturnedBlockIsRentedAgainAndTwoRentedBlocksNeverShareMemory()
    {
        using var pool = new ConnectionMemoryPool(blockSize: 1024, blocksKept: 4);
        var first = pool.Rent();
        var second = pool.Rent();
        Assert.False(first.Memory.Span.Overlaps(second.Memory.Span));

        first.Dispose();
        first.Dispose();   // twice, as a careless owner might: the block must still be queued once
        Assert.Equal(1, pool.IdleBlocks);
        var third = pool.Rent();
        var fourth = pool.Rent();

        Assert.True(third.Memory.Span.Overlaps(first.Memory.Span), "the returned block is reused");
        Assert.False(fourth.Memory.Span.Overlaps(third.Memory.Span), "a block returned twice is not handed out twice");
        Assert.False(fourth.Memory.Span.Overlaps(second.Memory.Span));
    }

    [Fact]
    public void NoMoreIdleBlocksAreKeptThanTheLimit()
    {
        using var pool = new ConnectionMemoryPool(blockSize: 1024, blocksKept: 3);
        var blocks = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList();

        foreach (var block in blocks) block.Dispose();

        Assert.Equal(3, pool.IdleBlocks);
        var again = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        Assert.Equal(0, pool.IdleBlocks);
        Assert.Equal(3, again.Count(a => blocks.Any(b => a.Memory.Span.Overlaps(b.Memory.Span))));
    }

    [Fact]
    public void ADisposedPoolRentsNothingAndKeepsNothing()
    {
        var pool = new ConnectionMemoryPool(blockSize: 1024, blocksKept: 3);
        var block = pool.Rent();
        pool.Dispose();

        block.Dispose();

        Assert.Equal(0, pool.IdleBlocks);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }

    [Fact]
    public async Task BlocksRentedAndReturnedFromManyThreadsAreNeverHeldByTwoAtOnce()
    {
        using var pool = new ConnectionMemoryPool(blockSize: 64, blocksKept: 8);
        var clashes = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            var mark = (byte)(worker + 1);
            for (var i = 0; i < 20_000; i++)
            {
                using var block = pool.Rent();
                var span = block.Memory.Span;
                span.Fill(mark);
                Thread.SpinWait(worker);
                if (span.IndexOfAnyExcept(mark) >= 0) Interlocked.Increment(ref clashes);
            }
        })));

        Assert.Equal(0, clashes);
        Assert.InRange(pool.IdleBlocks, 1, 8);
    }
}

/// <summary>Over a real socket, through Kestrel and the pool: answers larger than a block arrive whole, also many at once.</summary>
[Collection(KpiCollection.Name)]
public sealed class ConnectionMemoryPoolOverKestrelTests(KpiApplication shared)
{
    [Fact]
    public void TheApplicationGivesKestrelTheConnectionPool() =>
        Assert.IsType<ConnectionMemoryPoolFactory>(shared.Services.GetRequiredService<IMemoryPoolFactory<byte>>());

    private static readonly string[] Urls =
        ["/odata/Targets?$format=csv", "/odata/Targets", "/odata/Indicators?$format=csv", "/odata/Indicators?$expand=Group,Unit"];

    [Theory]
    [InlineData(true)]    // replayed from the response cache
    [InlineData(false)]   // computed every time
    public async Task AnswersSpanningSeveralBlocksArriveWholeWhenManyAreWrittenAtOnce(bool cached)
    {
        using var app = new KpiApplication
        {
            Settings = { ["ResponseCache:Enabled"] = cached ? "true" : "false" },
            // The factory's UseKestrel registers Kestrel's services again, after the application's: the pool once more after them.
            LastServices = services => services.AddSingleton<IMemoryPoolFactory<byte>, ConnectionMemoryPoolFactory>(),
        };
        app.UseKestrel(0);
        app.StartServer();
        Assert.IsType<ConnectionMemoryPoolFactory>(app.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        using var client = app.CreateClient();
        Assert.Equal("http", client.BaseAddress!.Scheme);   // Kestrel, not the in-memory test server

        var expected = new Dictionary<string, byte[]>();
        foreach (var url in Urls) expected[url] = await client.GetByteArrayAsync(url);
        Assert.True(expected.Values.Max(body => body.Length) > ConnectionMemoryPool.DefaultBlockSize, "an answer spans blocks");

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
