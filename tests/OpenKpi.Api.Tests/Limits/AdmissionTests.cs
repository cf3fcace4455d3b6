using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenKpi.Api.Http;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>Uncached queries wait for .NET's concurrency limiters; costly ones apart, so that they cannot take every permit.</summary>
public sealed class AdmissionTests
{
    [Fact]
    public async Task ACostlyQueryBeyondThePermitsAndTheQueueAnswers503WithRetryAfterWhileACheapOneIsAnswered()
    {
        var holding = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        using var admission = new QueryAdmissionMiddleware(async context =>
        {
            if (context.Request.Query.ContainsKey("$expand")) { entered.TrySetResult(); await holding.Task; }
            context.Response.StatusCode = 200;
        }, Options.Create(new ConcurrencyOptions { CostlyPermits = 1, CostlyQueue = 0, QueryPermits = 4, QueryQueue = 0, RetryAfterSeconds = 7 }));

        var first = admission.InvokeAsync(Request("/odata/Indicators", "?$expand=Targets"));
        await entered.Task;
        var second = Request("/odata/Indicators", "?$expand=Unit");
        await admission.InvokeAsync(second);
        var cheap = Request("/odata/Targets", "?$filter=Year eq 2024");
        await admission.InvokeAsync(cheap);
        holding.SetResult();
        await first;

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, second.Response.StatusCode);
        Assert.Equal("7", second.Response.Headers.RetryAfter.ToString());
        second.Response.Body.Position = 0;
        Assert.Contains("Concurrency:CostlyPermits", await new StreamReader(second.Response.Body).ReadToEndAsync());
        Assert.Equal(StatusCodes.Status200OK, cheap.Response.StatusCode);
    }

    [Theory]
    [InlineData("?$expand=Targets", true)]
    [InlineData("?$apply=groupby((ProvinceId))", true)]
    [InlineData("?$filter=Indicator%2FTargets%2Fany(a%3Aa%2FYear%20eq%201)", true)]
    [InlineData("?$filter=contains(SourceLabel,'x')", true)]
    [InlineData("?$format=csv", true)]
    [InlineData("?$filter=ProvinceId eq 'VN-09' and Year eq 2024&$select=Id", false)]
    [InlineData("", false)]
    public void WhatMakesAQueryCostlyIsReadFromItsText(string query, bool costly) =>
        Assert.Equal(costly, QueryAdmissionMiddleware.IsCostly(Request("/odata/Targets", query).Request));

    private static DefaultHttpContext Request(string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Response.Body = new MemoryStream();
        return context;
    }
}
