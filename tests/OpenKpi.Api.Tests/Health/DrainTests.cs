using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenKpi.Api.Health;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Health;

/// <summary>Told to stop, a replica fails readiness first while it still answers, within the shutdown timeout it declares.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task WhileStoppingReadinessFailsAndQueriesAreStillAnswered()
    {
        await using var app = new KpiApplication { Settings = { ["Drain:ReadinessGraceSeconds"] = "3", ["Drain:ShutdownTimeoutSeconds"] = "17" } };
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var drain = app.Services.GetRequiredService<Drain>();
        var stopping = drain.StoppingAsync(CancellationToken.None);   // what the host runs first on SIGTERM

        Assert.False(stopping.IsCompleted);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/odata/Targets?$top=1")).StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(17), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
