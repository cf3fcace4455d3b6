using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OData;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OData.UriParser;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Tests.Limits;

/// <summary>
/// Which queries wait for the costly lane, judged at a million targets: those that read every row (a filter, an order, a
/// search's matches, a CSV), not a page cut from a list by index, however deep its $skip.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class CostEstimateTests(KpiApplication app)
{
    private const int Million = 1_000_000;

    [Theory]
    [InlineData("$skip=999900&$top=100")]
    [InlineData("$skip=500000")]
    [InlineData("$top=100&$count=true")]
    [InlineData("$skip=900000&$select=Id,Year,RawValue")]
    public void APageCutFromAListIsNotCostlyHoweverDeep(string query)
    {
        Assert.True(Estimate(query, indexed: true) < QueryCost.CostlyMicroseconds, query);
        // The same page of a source that is not a list is walked to its $skip: costly.
        Assert.True(Estimate(query, indexed: false) >= QueryCost.CostlyMicroseconds, query);
    }

    [Theory]
    [InlineData("$filter=Year eq 2024&$top=100")]
    [InlineData("$orderby=Year&$top=100")]
    [InlineData("$search=ty le&$top=100")]
    [InlineData("$apply=groupby((Year))")]
    [InlineData("$skip=999900&$top=100&$filter=Lower gt 5")]
    public void AQueryThatReadsEveryRowIsCostlyOverAMillion(string query)
    {
        Assert.True(Estimate(query, indexed: true) >= QueryCost.CostlyMicroseconds, query);
        Assert.True(Estimate(query, indexed: true, rows: 10_000) < QueryCost.CostlyMicroseconds, query);
    }

    [Fact]
    public void ACsvOfAMillionRowsIsCostlyEvenUnfiltered() =>
        Assert.True(Estimate("$select=Id", indexed: true, csv: true) >= QueryCost.CostlyMicroseconds);

    private long Estimate(string query, bool indexed, int rows = Million, bool csv = false)
    {
        using var scope = app.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "GET";
        http.Request.Path = "/odata/Targets";
        http.Request.QueryString = QueryString.Create(query.Split('&').Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])));
        var model = scope.ServiceProvider.GetRequiredService<IOptions<ODataOptions>>().Value.RouteComponents[OpenKpi.Api.Versioning.ApiVersions.CurrentPrefix].EdmModel;
        var set = model.EntityContainer.FindEntitySet("Targets");
        var path = new Microsoft.OData.UriParser.ODataPath(new EntitySetSegment(set));
        var feature = http.ODataFeature();
        feature.RoutePrefix = OpenKpi.Api.Versioning.ApiVersions.CurrentPrefix;
        feature.Model = model;
        feature.Path = path;
        var options = new ODataQueryOptions(new ODataQueryContext(model, typeof(Target), path), http.Request);
        return QueryCost.Check(options, rows, csv, scope.ServiceProvider.GetRequiredService<CatalogueSnapshot>(), indexed);
    }
}
