using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Tests.Aggregation;

/// <summary>
/// Groups keyed by the values of the library's keys (LeafGroupKeys): plain properties with nulls, navigation paths through
/// null links, nested paths, and a key of more leaves than the rewrite takes — each answered as LINQ groups the snapshot,
/// every group with its count, and the rewrite seen to run or not.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class LeafGroupKeysTests(KpiApplication app)
{
    private IReadOnlyList<Target> Targets => app.Services.GetRequiredService<CatalogueSnapshot>().Targets;

    [Fact]
    public async Task PlainPropertiesWithNullsGroupAsLinqGroupsThem()
    {
        Assert.Contains(Targets, t => t.ProvinceId is null);
        var expected = Counts(Targets.GroupBy(t => Key(t.ProvinceId, t.Year.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        var actual = await Groups("groupby((ProvinceId,Year),aggregate($count as C))", r => Key((string?)r["ProvinceId"], ((int)r["Year"]!).ToString(System.Globalization.CultureInfo.InvariantCulture)), rewritten: true);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task APathThroughNullLinksKeepsItsNullGroupApart()
    {
        Assert.Contains(Targets, t => t.Province is null);
        Assert.Contains(Targets, t => t.Unit is null);
        var expected = Counts(Targets.GroupBy(t => Key(t.Province?.Name, t.Unit?.Name)));

        var actual = await Groups("groupby((Province/Name,Unit/Name),aggregate($count as C))", r => Key(Name(r, "Province"), Name(r, "Unit")), rewritten: true);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ANestedPathGroupsByItsLastValue()
    {
        var expected = Counts(Targets.GroupBy(t => Key(t.Indicator?.Group?.Name, t.ProvinceId)));

        var actual = await Groups("groupby((Indicator/Group/Name,ProvinceId),aggregate($count as C))",
            r => Key((string?)r["Indicator"]?["Group"]?["Name"], (string?)r["ProvinceId"]), rewritten: true);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task AKeyOfMoreLeavesThanTheRewriteTakesIsTheLibrarysAndStillRight()
    {
        // Four navigation paths: a test and a value each, eight leaves.
        var expected = Counts(Targets.GroupBy(t => Key(t.Province?.Name, t.Indicator?.Name, t.Unit?.Name, t.Document?.SourceFile)));

        var actual = await Groups("groupby((Province/Name,Indicator/Name,Unit/Name,Document/SourceFile),aggregate($count as C))",
            r => Key(Name(r, "Province"), Name(r, "Indicator"), Name(r, "Unit"), (string?)r["Document"]?["SourceFile"]), rewritten: false);

        Assert.Equal(expected, actual);
    }

    private static string Key(params string?[] values) => string.Join("|", values.Select(v => v ?? "∅"));

    private static string? Name(JsonObject row, string navigation) => (string?)row[navigation]?["Name"];

    private static List<KeyValuePair<string, long>> Counts(IEnumerable<IGrouping<string, Target>> groups) =>
        groups.Select(g => KeyValuePair.Create(g.Key, g.LongCount())).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    private async Task<List<KeyValuePair<string, long>>> Groups(string apply, Func<JsonObject, string> key, bool rewritten)
    {
        var before = LeafGroupKeys.Rewritten;
        var (rows, _) = await app.GetAllPages("/odata/Targets?$apply=" + apply);
        if (rewritten) Assert.True(LeafGroupKeys.Rewritten > before, "the groups were keyed by the library's wrappers");
        return rows.Select(r => KeyValuePair.Create(key(r), (long)r["C"]!)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
    }
}
