using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenKpi.Api.Http;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>Uncached queries wait for .NET's concurrency limiters, and a full queue answers 503 with Retry-After.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task AQueryBeyondThePermitsAndTheQueueAnswers503WithRetryAfterNamingTheSetting()
    {
        var holding = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        using var admission = new QueryAdmission(Options.Create(new ConcurrencyOptions { QueryPermits = 1, QueryQueue = 0, CostlyPermits = 1, CostlyQueue = 0, RetryAfterSeconds = 7 }));
        var middleware = new QueryAdmissionMiddleware(async context =>
        {
            entered.TrySetResult();
            await holding.Task;
            context.Response.StatusCode = 200;
        }, admission);

        var first = middleware.InvokeAsync(Request("/odata/Indicators"));
        await entered.Task;
        var second = Request("/odata/Targets");
        await middleware.InvokeAsync(second);
        holding.SetResult();
        await first;

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, second.Response.StatusCode);
        Assert.Equal("7", second.Response.Headers.RetryAfter.ToString());
        second.Response.Body.Position = 0;
        Assert.Contains("Concurrency:QueryPermits", await new StreamReader(second.Response.Body).ReadToEndAsync());
    }

    [Fact]
    public async Task TheProbesAndEverythingOutsideODataTakeNoPermit()
    {
        using var admission = new QueryAdmission(Options.Create(new ConcurrencyOptions { QueryPermits = 1, QueryQueue = 0 }));
        var held = await admission.EnterQueryAsync(CancellationToken.None);
        var middleware = new QueryAdmissionMiddleware(context => { context.Response.StatusCode = 200; return Task.CompletedTask; }, admission);

        var probe = Request("/health/ready");
        await middleware.InvokeAsync(probe);
        held.Dispose();

        Assert.Equal(StatusCodes.Status200OK, probe.Response.StatusCode);
    }

    private static DefaultHttpContext Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
