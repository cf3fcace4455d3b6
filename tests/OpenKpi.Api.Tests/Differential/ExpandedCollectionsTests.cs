using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Generation;

namespace OpenKpi.Api.Tests.Differential;

/// <summary>
/// Expanded collections written by the plan's JSON writer are the library's, byte for byte, where the library pages them:
/// over a generated dataset whose indicators hold more targets than a page (the seeds' hold a few each), so that the
/// nested pages are cut and carry their nextLink; each nested link is followed too.
/// </summary>
public sealed class ExpandedCollectionsTests(ExpandedCollectionsTests.Hosts hosts) : IClassFixture<ExpandedCollectionsTests.Hosts>
{
    public sealed class Hosts : IAsyncDisposable
    {
        private readonly string _seeds = Path.Combine(Path.GetTempPath(), "openkpi-expanded-" + Guid.NewGuid().ToString("N"));

        public Hosts()
        {
            NationalDatasetGenerator.Generate(RepositoryPaths.Seeds, _seeds, 40_000, seed: 11);
            Dictionary<string, string> settings = new() { ["ResponseCache:Enabled"] = "false", ["Concurrency:EvaluationMilliseconds"] = "60000" };
            Fast = new KpiApplication { SeedDirectory = _seeds, Settings = new(settings) };
            Plain = new KpiApplication { SeedDirectory = _seeds, Settings = new(settings) { ["FastPaths:Enabled"] = "false" } };
        }

        public KpiApplication Fast { get; }
        public KpiApplication Plain { get; }

        public async ValueTask DisposeAsync()
        {
            await Fast.DisposeAsync();
            await Plain.DisposeAsync();
            Directory.Delete(_seeds, recursive: true);
        }
    }

    [Theory]
    [InlineData("/odata/Indicators?$expand=Targets")]
    [InlineData("/odata/Indicators?$expand=Targets,Unit,Group&$skip=7&$top=5")]
    [InlineData("/odata/Indicators?$select=Id,Name&$expand=Unit($select=Name),Targets&$top=3&$count=true")]
    [InlineData("/odata/Indicators?$expand=Group,Targets&$filter=GroupId ne null&$orderby=Name desc&$top=4")]
    [InlineData("/odata/Provinces?$expand=Targets,Documents&$top=2")]
    [InlineData("/odata/Documents?$expand=Targets,Province&$top=3")]
    [InlineData("/odata/Targets?$expand=LeadAgencies,CoordinatingAgencies,Indicator&$top=20")]
    [InlineData("/odata/Groups?$expand=Indicators")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Year ne 2020),Unit,Group&$top=4")]
    [InlineData("/odata/Indicators?$expand=Targets($select=Id,Year,RawValue)&$top=3")]
    [InlineData("/odata/Indicators?$select=Id&$expand=Targets($filter=Year ge 2018 and Lower gt 1;$select=RawValue,Id)&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=contains(SourceLabel,'tỷ lệ') or ProvinceId eq 'VN-W0')&$top=5")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Province/Name ne null and Year eq 2099)&$top=5")]
    [InlineData("/odata/Provinces?$expand=Targets($filter=Indicator/GroupId eq 'economy';$select=Id)&$top=2")]
    [InlineData("/odata/Indicators?$expand=Targets($orderby=Year desc,Id;$filter=Year ne 2020),Unit&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets($orderby=Province/Name desc;$select=Id,ProvinceId)&$top=2")]
    [InlineData("/odata/Provinces?$expand=Targets($orderby=SourceLabel desc,Id),Documents($orderby=Id desc)&$top=1")]
    // A collection's own $top, $skip and $count: the link's $top is a page less (none within a page), its $skip a page on.
    [InlineData("/odata/Indicators?$top=4&$expand=Targets($top=100;$filter=Year ne 2020),Unit,Group")]
    [InlineData("/odata/Indicators?$expand=Targets($top=150)&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets($top=101;$select=Id)&$top=2")]
    [InlineData("/odata/Indicators?$expand=Targets($skip=3;$top=250;$count=true)")]
    [InlineData("/odata/Indicators?$expand=Targets($count=true;$orderby=Year desc,Id)&$skip=2")]
    [InlineData("/odata/Indicators?$top=3&$expand=Targets($count=true;$filter=Year ge 2018;$orderby=Year desc,Id)")]
    [InlineData("/odata/Indicators?$expand=Targets($skip=5;$orderby=ProvinceId desc;$select=Id,ProvinceId)&$top=2")]
    [InlineData("/odata/Provinces?$expand=Targets($top=0;$count=true),Documents($skip=1;$count=false)&$top=2")]
    [InlineData("/odata/Indicators?$top=3&$expand=Targets($skip=100000;$count=true)")]
    // An expanded entity's own single-valued expansions, in a collection and in a single one.
    [InlineData("/odata/Provinces?$expand=Targets($top=150;$expand=Indicator)&$top=2")]
    [InlineData("/odata/Indicators?$expand=Targets($expand=Province($select=Name),Document;$select=Id,Year),Unit&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets($expand=Indicator($expand=Unit,Group($select=Name));$filter=Year ne 2020)&$top=2")]
    [InlineData("/odata/Targets?$expand=Indicator($expand=Unit;$select=Name),Province($expand=Successor)&$top=50")]
    [InlineData("/odata/Indicators?$expand=Targets($select=Id;$expand=LeadAgency($select=Id))&$top=2")]
    // $format of the same JSON, or of JSON without metadata (no context; counts and links kept).
    [InlineData("/odata/Indicators?$expand=Targets,Unit&$top=3&$format=json")]
    [InlineData("/odata/Indicators?$expand=Targets($top=150;$count=true)&$top=3&$count=true&$format=application/json;odata.metadata=none")]
    [InlineData("/odata/Indicators?$expand=Targets&$format=application/json;odata.metadata=none;odata.streaming=true")]
    [InlineData("/odata/Indicators?$expand=Targets($select=Id)&$top=3&$format=application/json;odata.metadata=minimal")]
    [InlineData("/odata/Indicators?$expand=Targets($select=Id)&$top=3&$format=application/JSON;odata.metadata=NONE")]
    [InlineData("/odata/Indicators?$expand=Targets&$top=3&$format=application/json;odata.metadata=minimal;odata.streaming=true")]
    // Full metadata: each entity's type, id and edit link, its values' type annotations, its navigations' links.
    [InlineData("/odata/Indicators?$expand=Targets($top=150;$count=true),Unit&$top=3&$format=application/json;odata.metadata=full")]
    [InlineData("/odata/Targets?$top=30&$format=application/json;odata.metadata=full")]
    [InlineData("/odata/Targets?$select=Id,Lower,Comparator,Year,IsHeading,LeadAgencyIds&$expand=Province($select=Name),LeadAgencies&$top=30&$format=application/json;odata.metadata=full;odata.streaming=true")]
    [InlineData("/odata/Provinces?$expand=Targets($select=Id;$expand=Indicator($expand=Unit)),Documents&$top=2&$count=true&$format=application/json;odata.metadata=full")]
    [InlineData("/odata/Documents?$top=20&$format=application/json;odata.metadata=full")]
    [InlineData("/odata/Indicators?$expand=Targets($top=150;$count=true)&$top=3&$format=application/json;odata.streaming=false;odata.metadata=full")]
    [InlineData("/odata/Indicators?$expand=Targets&$top=3&$format=application/json;odata.streaming=false")]
    [InlineData("/odata/Indicators?$expand=Targets&$top=3&$format=application/json;odata.metadata=NONE;odata.streaming=TRUE")]
    [InlineData("/odata/Units?$format=application/json;odata.metadata=full")]
    [InlineData("/odata/Indicators('active-cooperatives')/Targets?$top=5&$expand=Document&$format=application/json;odata.metadata=full")]
    public async Task APageWithExpandedCollectionsIsTheLibrarysAnswer(string url)
    {
        var catalogue = hosts.Plain.Services.GetRequiredService<CatalogueSnapshot>();
        Assert.Contains(catalogue.Indicators, i => i.Targets.Count > QueryLimits.PageSize);
        var writer = hosts.Fast.Services.GetRequiredService<JsonPageWriter>();
        var written = writer.Written;

        var (fast, plain) = await Both(url);

        Assert.Equal(plain, fast);
        Assert.DoesNotContain("\"error\"", plain);
        Assert.True(writer.Written > written, "the plan's writer did not write the answer");
        // The nested pages' links, followed: the rest of each collection, alike too.
        var nested = JsonNode.Parse(plain)!["value"]!.AsArray().SelectMany(r => r!.AsObject()).Where(p => p.Key.EndsWith("@odata.nextLink", StringComparison.Ordinal))
            .Select(p => new Uri((string)p.Value!).PathAndQuery).Take(3).ToList();
        if (url.StartsWith("/odata/Indicators?$expand=Targets", StringComparison.Ordinal) && !url.Contains("2099") && !url.Contains("contains(")) Assert.NotEmpty(nested);
        foreach (var link in nested)
        {
            var (nextFast, nextPlain) = await Both(link);
            Assert.Equal(nextPlain, nextFast);
        }
    }

    // A nested $filter that fails fails the request before its answer starts, alike on both sides.
    [Theory]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Year mul 2147483647 gt 0)&$top=2")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Year div 0 eq 1)&$top=2")]
    public async Task ANestedFilterThatFailsIsRefusedAsTheLibraryRefusesIt(string url)
    {
        using var fast = await hosts.Fast.CreateClient().GetAsync(url);
        using var plain = await hosts.Plain.CreateClient().GetAsync(url);

        Assert.Equal(plain.StatusCode, fast.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, fast.StatusCode);
        Assert.NotNull(JsonNode.Parse(await fast.Content.ReadAsStringAsync())!["error"]);
    }

    private async Task<(string Fast, string Plain)> Both(string url)
    {
        using var fast = await hosts.Fast.CreateClient().GetAsync(url);
        using var plain = await hosts.Plain.CreateClient().GetAsync(url);
        Assert.Equal(plain.StatusCode, fast.StatusCode);
        Assert.Equal(plain.Content.Headers.ContentType?.ToString(), fast.Content.Headers.ContentType?.ToString());
        return (await fast.Content.ReadAsStringAsync(), await plain.Content.ReadAsStringAsync());
    }
}
