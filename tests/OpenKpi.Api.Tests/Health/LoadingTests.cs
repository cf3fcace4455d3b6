using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Catalogue;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.Health;

/// <summary>The server starts beside the catalogue's load: until it is loaded a replica is alive, not ready, and holds queries.</summary>
public sealed class LoadingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WhileTheCatalogueLoadsLivenessAnswersReadinessFailsAndQueriesWaitForIt()
    {
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = new KpiApplication
        {
            AwaitReady = false,
            // The load as the application does it, held until the test lets it go.
            LastServices = services => services.AddSingleton(sp =>
            {
                loading.Task.Wait(Patience);
                return sp.GetRequiredService<CatalogueLoader>().Load();
            }),
        };
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live").WaitAsync(Patience)).StatusCode);
        using (var ready = await client.GetAsync("/health/ready").WaitAsync(Patience))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.True(ready.Headers.RetryAfter is not null, "a replica that is loading says when to ask again");
        }
        var count = client.GetStringAsync("/odata/Targets/$count");
        await Task.Delay(200);
        Assert.False(count.IsCompleted, "a query answered before the catalogue was loaded");

        loading.SetResult();

        Assert.Equal(SeedFiles.TargetRows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await count.WaitAsync(Patience));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready").WaitAsync(Patience)).StatusCode);
    }
}
