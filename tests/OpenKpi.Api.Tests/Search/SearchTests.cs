using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Text;

namespace OpenKpi.Api.Tests.Search;

[Collection(KpiCollection.Name)]
public sealed class SearchTests(KpiApplication app)
{
    // What a reader would call a match, computed from the seeds: the label, folded, contains the words.
    private static List<string> TargetsWhoseLabelHas(params string[] foldedWords) =>
        SeedFiles.TargetRows.Where(r => foldedWords.All(w => (" " + SearchDocuments.Normalise((string)r.Row["label"]!, fold: true)).Contains(" " + w)))
            .Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task SearchWithoutDiacriticsFindsBothSpellingsOfDoctor()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$search=bac si&$select=Id,SourceLabel");
        var labels = rows.Select(r => (string)r["SourceLabel"]!).ToList();

        Assert.Contains(labels, l => l.Contains("bác sĩ", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(labels, l => l.Contains("bác sỹ", StringComparison.OrdinalIgnoreCase));
        Assert.Superset(TargetsWhoseLabelHas("bac", "si").ToHashSet(), rows.Select(r => (string)r["Id"]!).ToHashSet());
    }

    [Fact]
    public async Task DFoldsToDSoDuongFindsDuong()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$search=duong o to&$select=Id,SourceLabel");

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Contains("đường ô tô", (string)r["SourceLabel"]!));
    }

    [Fact]
    public async Task SearchIsCaseInsensitiveAndCoversEnglishNamesAndCodes()
    {
        var english = await app.GetJson("/odata/Indicators?$search=DOCTORS&$select=Id");
        var code = await app.GetJson("/odata/CatalogueEntries?$search=\"A.XII.5.1.1\"&$select=Code");

        Assert.Contains(english["value"]!.AsArray(), r => (string)r!["Id"]! == "doctors-per-10000-population");
        Assert.Equal("A.XII.5.1.1", (string)Assert.Single(code["value"]!.AsArray())!["Code"]!);
    }

    [Fact]
    public async Task AndOrNotAndPhrasesCombineAsODataDefines()
    {
        var and = (await app.GetAllPages("/odata/Targets?$search=ty le AND rung&$select=Id")).Rows.Count;
        var or = (await app.GetAllPages("/odata/Targets?$search=rung OR giuong&$select=Id")).Rows.Count;
        var rung = (await app.GetAllPages("/odata/Targets?$search=rung&$select=Id")).Rows.Count;
        var not = (await app.GetAllPages("/odata/Targets?$search=rung NOT moi&$select=Id,SourceLabel")).Rows;
        var phrase = (await app.GetAllPages("/odata/Targets?$search=\"che phu rung\"&$select=Id")).Rows.Count;

        Assert.True(rung > 0 && and <= rung && or >= rung);
        Assert.All(not, r => Assert.DoesNotContain("mới", (string)r["SourceLabel"]!));
        Assert.True(phrase > 0 && phrase <= rung);
    }

    [Fact]
    public async Task MatchesThatAgreeInDiacriticsComeFirst()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$search=bác sỹ&$select=Id,SourceLabel");
        var exact = rows.Select(r => ((string)r["SourceLabel"]!).ToLowerInvariant().Contains("bác sỹ")).ToList();

        Assert.Contains(true, exact);
        Assert.Contains(false, exact);
        Assert.Equal(exact.OrderByDescending(e => e), exact);
    }

    [Theory]
    [InlineData("(bac")]
    [InlineData("bac AND")]
    [InlineData("\"bac")]
    [InlineData("%21%21")]
    public async Task AMalformedSearchAnswers400(string search)
    {
        using var response = await app.CreateClient().GetAsync($"/odata/Targets?$search={search}");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["error"]!["message"]));
    }
}
