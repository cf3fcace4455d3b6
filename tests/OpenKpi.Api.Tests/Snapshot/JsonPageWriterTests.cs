using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Snapshot;

/// <summary>Two instances of the API, one with its fast paths (the query plan's page writer) and one with the OData library's alone.</summary>
public sealed class TwoWriters : IAsyncDisposable
{
    public KpiApplication Fast { get; } = new() { Settings = { ["ResponseCache:Enabled"] = "false" } };
    public KpiApplication Library { get; } = new() { Settings = { ["ResponseCache:Enabled"] = "false", ["FastPaths:Enabled"] = "false" } };

    public long Written => Fast.Services.GetRequiredService<JsonPageWriter>().Written;

    public async ValueTask DisposeAsync()
    {
        await Fast.DisposeAsync();
        await Library.DisposeAsync();
    }
}

/// <summary>The page writer's answers are the OData library's, byte for byte; what the plan does not write, the library does.</summary>
public sealed class JsonPageWriterTests(TwoWriters writers) : IClassFixture<TwoWriters>
{
    private static readonly string[] Sets = ["Provinces", "Documents", "Groups", "Units", "Frequencies", "Agencies", "Indicators", "Targets", "CatalogueEntries"];

    public static TheoryData<string> SetNames() => [.. Sets];

    [Theory]
    [MemberData(nameof(SetNames))]
    public async Task EveryPageOfEverySetIsWrittenAsTheLibraryWritesIt(string set)
    {
        var pages = 0;
        for (string? url = $"/odata/{set}"; url is not null; pages++)
        {
            var body = await SameAnswer(url, expectFast: true);
            url = (string?)JsonNode.Parse(body)!["@odata.nextLink"];
        }
        Assert.True(pages >= 1);
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public async Task SelectCountTopSkipOrderByAndVersionsAreWrittenAsTheLibraryWritesThem(string set)
    {
        var first = JsonNode.Parse(await Get(writers.Library, $"/odata/{set}?$top=1"))!["value"]![0]!.AsObject();
        var names = first.Select(p => p.Key).ToList();
        string[] urls =
        [
            $"/odata/{set}?$count=true&$top=3&$skip=1",
            $"/odata/v1/{set}?$orderby=Id desc&$top=150",
            $"/odata/{set}?$select={names[1]},{names[0]}",
            $"/odata/{set}?$select={names[^1]},{names[1]}&$count=true&api-version=1.0",
            $"/odata/{set}?$select={string.Join(",", names)}&$skip=2",
            $"/odata/{set}?$select={names[0]}&$filter={names[0]} ne 'x'&$top=101",
        ];
        foreach (var url in urls) await SameAnswer(url, expectFast: true);
    }

    [Theory]
    [InlineData("/odata/Indicators('doctors-per-10000-population')/Targets")]
    [InlineData("/odata/Provinces('VN-09')/Targets?$select=Id,RawValue,Lower&$count=true")]
    [InlineData("/odata/Documents('vl-qd999-2025')/CatalogueEntries?$top=120&$select=Code,SourceLabel,FrequencyIds")]
    [InlineData("/odata/Indicators('doctors-per-10000-population')/Frequencies")]
    [InlineData("/odata/Targets('ls-qd136-2024-001')/CoordinatingAgencies")]
    [InlineData("/odata/Targets?$search=bac si&$select=Id,SourceLabel")]
    [InlineData("/odata/Targets?$filter=Comparator eq 'Between' and Lower gt 10&$orderby=Upper desc")]
    [InlineData("/odata/Documents?$select=IssuedOn,Number,Id")]
    [InlineData("/odata/Units?$select=Spellings,Multiplier,BaseUnit")]
    [InlineData("/odata/Indicators('doctors-per-10000-population')/Targets?$expand=Province($select=Name)&$select=Id,Year,RawValue")]
    [InlineData("/odata/Targets?$expand=Province($select=NameEn,Name),Indicator($select=Name,GroupId)&$select=RawValue,Id&$count=true")]
    [InlineData("/odata/Targets?$select=DocumentId,Year&$expand=Document($select=Number,IssuedOn),Unit($select=Multiplier)&$skip=150")]
    [InlineData("/odata/v1/CatalogueEntries?$expand=Agency($select=Name),Indicator($select=Id)&$select=Code&$top=130")]
    [InlineData("/odata/Targets?$filter=ProvinceId ne null&$expand=Province($select=NameEn,Name),Document($select=IssuedOn,Number)&$select=Year,Id")]
    [InlineData("/odata/Targets?$filter=ProvinceId ne null&$expand=Document($select=Number,IssuedOn),Province($select=Name,NameEn)&$select=Id,Year")]
    [InlineData("/odata/Targets?$expand=Indicator&$top=3")]
    [InlineData("/odata/Indicators?$select=Id&$expand=Targets($select=Id)&$top=3")]
    [InlineData("/odata/Indicators?$select=Id&$expand=Targets($select=Id;$orderby=Year desc,Id)&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Year gt 2020 and ProvinceId ne null;$select=Id,RawValue)&$top=30")]
    [InlineData("/odata/Targets?$expand=Indicator($select=Name)&$top=3")]
    [InlineData("/odata/Indicators?$expand=Targets,Unit,Group&$top=30")]
    [InlineData("/odata/Provinces?$select=Name&$expand=Targets,Documents")]
    [InlineData("/odata/Targets?$expand=LeadAgencies,CoordinatingAgencies&$orderby=Id desc&$top=40")]
    public async Task NavigationSearchFilterAndEveryValueTypeAreWrittenAsTheLibraryWritesThem(string url) =>
        await SameAnswer(url, expectFast: true);

    // An expansion's own $top and deeper single-valued $expand, and the metadata levels none and full, by Accept.
    [Theory]
    [InlineData("/odata/Indicators?$select=Id&$expand=Targets($select=Id;$top=5)&$top=3", null)]
    [InlineData("/odata/Indicators?$expand=Targets($filter=Year gt 2020;$expand=Province)&$top=3", null)]
    [InlineData("/odata/Targets?$select=Id&$expand=Indicator($select=Name;$expand=Group($select=Name))&$top=3", null)]
    [InlineData("/odata/Provinces", "application/json;odata.metadata=full")]
    [InlineData("/odata/Provinces?$select=Name,Id", "application/json;odata.metadata=full")]
    [InlineData("/odata/Targets?$expand=Indicator($expand=Unit),LeadAgencies&$top=20", "application/json;odata.metadata=full;odata.streaming=true")]
    [InlineData("/odata/Targets?$select=Id,Year&$top=2", "application/json;odata.metadata=none")]
    [InlineData("/odata/Provinces", "application/json;odata.metadata=none")]
    [InlineData("/odata/Provinces", "application/json;odata.metadata=minimal;odata.streaming=false")]
    [InlineData("/odata/Indicators?$expand=Targets($top=2;$count=true)&$top=3", "application/json;odata.streaming=false;odata.metadata=FULL")]
    public async Task ExpansionOptionsAndMetadataLevelsAreWrittenAsTheLibraryWritesThem(string url, string? accept) =>
        await SameAnswer(url, expectFast: true, accept);

    [Theory]
    [InlineData("/odata/Groups?$expand=Indicators($expand=Targets($top=2))", null)]
    [InlineData("/odata/Targets?$apply=groupby((Comparator),aggregate($count as Count))", null)]
    [InlineData("/odata/Targets('ls-qd136-2024-001')", null)]
    [InlineData("/odata/Targets/$count", null)]
    [InlineData("/odata/Targets?$select=*&$top=2", null)]
    [InlineData("/odata/Provinces", "application/json;IEEE754Compatible=true")]
    [InlineData("/odata/Provinces", "application/json;odata.metadata=full, application/json")]
    [InlineData("/odata/Units", "application/json;odata.metadata=full;q=0.8, */*;q=0.1")]
    public async Task WhatTheFastWriterDoesNotWriteTheLibraryDoes(string url, string? accept) =>
        await SameAnswer(url, expectFast: false, accept);

    // A plain $select is read from whole entities only when this writer is sure to answer; with any other Accept the
    // library's projection runs, and whichever writer content negotiation picks gets the selected columns only.
    [Theory]
    [InlineData("/odata/Targets?$select=RawValue,Id&$top=5", "application/json")]
    [InlineData("/odata/Targets?$select=RawValue,Id&$top=5", "application/json;odata.metadata=minimal;odata.streaming=true")]
    [InlineData("/odata/Targets?$select=RawValue,Id&$top=5", "*/*")]
    [InlineData("/odata/Indicators?$select=NameEn,Id&$top=5", "application/json;q=0.5")]
    public async Task APlainSelectIsWrittenAsTheLibraryWritesItWhateverIsAccepted(string url, string accept) =>
        await SameAnswer(url, expectFast: true, accept);

    [Fact]
    public async Task APlainSelectFromAnotherAcceptStillSelectsItsColumns()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/Indicators?$select=NameEn,Id&$top=3");
        request.Headers.Accept.ParseAdd("text/csv;q=0.9");
        request.Headers.Accept.ParseAdd("application/json;q=0.1");
        using var response = await writers.Fast.CreateClient().SendAsync(request);
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("NameEn,Id\r\n", csv.TrimStart('\uFEFF'));
        Assert.Equal(4, csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    // The count writer answers /$count for the library: the same number, type and OData-Version, whatever is asked.
    [Theory]
    [InlineData("/odata/Targets/$count", null)]
    [InlineData("/odata/Targets/$count?$filter=Year eq 2024", "application/json")]
    [InlineData("/odata/v1/Targets/$count?$search=bac si", "text/plain")]
    [InlineData("/odata/Indicators('doctors-per-10000-population')/Targets/$count", "application/xml")]
    [InlineData("/odata/Provinces/$count?$format=csv", null)]
    [InlineData("/odata/CatalogueEntries/$count?$filter=startswith(Code,'1')", "*/*")]
    [InlineData("/odata/Targets/$count?$filter=ProvinceId eq 'nowhere'", null)]
    public async Task CountsAreAnsweredAsTheLibraryAnswersThem(string url, string? accept)
    {
        var answers = new List<(string Body, string? Type, string? Version)>();
        foreach (var app in new[] { writers.Fast, writers.Library })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await app.CreateClient().SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            answers.Add((await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString(),
                response.Headers.TryGetValues("OData-Version", out var version) ? string.Join(",", version) : null));
        }

        Assert.Equal(answers[1], answers[0]);
        Assert.True(long.TryParse(answers[0].Body, out _), answers[0].Body);
    }

    [Fact]
    public async Task ACountIsTheNumberOfRowsTheSeedsHold()
    {
        var expected = SeedFiles.TargetRows.Count(r => (string?)r.Row["indicatorId"] == "doctors-per-10000-population");

        var body = await Get(writers.Fast, "/odata/Indicators('doctors-per-10000-population')/Targets/$count");

        Assert.True(expected > 1);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), body);
    }

    private async Task<string> SameAnswer(string url, bool expectFast, string? accept = null)
    {
        var before = writers.Written;
        var (fast, fastType) = await Send(writers.Fast, url, accept);
        var written = writers.Written - before;
        var (library, libraryType) = await Send(writers.Library, url, accept);

        Assert.Equal(library, fast);
        Assert.Equal(libraryType, fastType);
        Assert.Equal(expectFast ? 1 : 0, written);
        return fast;
    }

    private static async Task<string> Get(KpiApplication app, string url) => (await Send(app, url, null)).Body;

    private static async Task<(string Body, string? ContentType)> Send(KpiApplication app, string url, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await app.CreateClient().SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }
}
