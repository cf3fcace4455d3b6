using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Revisions;

/// <summary>
/// /odata/Revisions, every record's RevisionId and each revision's download, each held to the revision files in seeds/revisions,
/// which these tests replay on their own (whole records added, changed, removed) rather than through the service's code.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class RevisionLogTests(KpiApplication app)
{
    private static readonly string[] Sets = ["Provinces", "Documents", "Groups", "Units", "Frequencies", "Agencies", "Indicators", "Targets", "CatalogueEntries"];

    /// <summary>The revision files, oldest first.</summary>
    public static List<JsonObject> Files() => Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "revisions"), "*.json")
        .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f))).Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject()).ToList();

    private static IEnumerable<JsonObject> Changes(JsonObject revision, string kind) =>
        revision["changes"]!.AsArray().SelectMany(c => c![kind]!.AsArray().Select(r => new JsonObject { ["set"] = (string)c["set"]!, ["record"] = r!.DeepClone() }));

    /// <summary>Each set's records after replaying the files up to <paramref name="upTo"/>, and the revision each record last changed in.</summary>
    public static (Dictionary<string, List<JsonObject>> Records, Dictionary<(string, string), string> LastChanged) Replay(string? upTo = null)
    {
        var records = Sets.ToDictionary(s => s, _ => new List<JsonObject>());
        var last = new Dictionary<(string, string), string>();
        foreach (var revision in Files())
        {
            var id = (string)revision["id"]!;
            foreach (var change in revision["changes"]!.AsArray())
            {
                var set = records[(string)change!["set"]!];
                foreach (var added in change["added"]!.AsArray()) { set.Add(added!.AsObject()); last[((string)change["set"]!, (string)added["Id"]!)] = id; }
                foreach (var changed in change["changed"]!.AsArray())
                {
                    set[set.FindIndex(r => (string)r["Id"]! == (string)changed!["Id"]!)] = changed!.AsObject();
                    last[((string)change["set"]!, (string)changed["Id"]!)] = id;
                }
                foreach (var removed in change["removed"]!.AsArray()) set.RemoveAll(r => (string)r["Id"]! == (string)removed!);
            }
            if (id == upTo) break;
        }
        return (records, last);
    }

    [Fact]
    public async Task TheRevisionsSetListsEveryRevisionFileWithItsCountsAndKeys()
    {
        var (served, _) = await app.GetAllPages("/odata/Revisions");

        var files = Files();
        Assert.Equal(files.Select(f => (string)f["id"]!), served.Select(r => (string)r["Id"]!));
        foreach (var (file, revision) in files.Zip(served))
        {
            Assert.Equal((string)file["publishedOn"]!, (string)revision["PublishedOn"]!);
            Assert.Equal((string)file["summary"]!, (string)revision["Summary"]!);
            foreach (var (kind, count, keys) in new[] { ("added", "Added", "AddedRecords"), ("changed", "Changed", "ChangedRecords") })
            {
                var expected = Changes(file, kind).Select(c => $"{c["set"]}('{((string)c["record"]!["Id"]!).Replace("'", "''")}')").ToList();
                Assert.Equal(expected.Count, (int)revision[count]!);
                Assert.Equal(expected, revision[keys]!.AsArray().Select(k => (string)k!));
            }
            var removed = file["changes"]!.AsArray().SelectMany(c => c!["removed"]!.AsArray().Select(id => $"{c["set"]}('{id}')")).ToList();
            Assert.Equal(removed, revision["RemovedRecords"]!.AsArray().Select(k => (string)k!));
            Assert.Equal((string)file["download"]!["sha256"]!, (string)revision["DownloadSha256"]!);
            Assert.Equal((long)file["download"]!["size"]!, (long)revision["DownloadSize"]!);
        }
    }

    [Theory]
    [MemberData(nameof(SetNames))]
    public async Task EveryRecordNamesTheRevisionThatLastAddedOrChangedIt(string set)
    {
        var (_, last) = Replay();
        var (rows, _) = await app.GetAllPages($"/odata/{set}?$select=Id,RevisionId");

        Assert.NotEmpty(rows);
        foreach (var row in rows) Assert.Equal(last[(set, (string)row["Id"]!)], (string)row["RevisionId"]!);
        foreach (var revision in Files().Select(f => (string)f["id"]!))
        {
            var (navigated, _) = await app.GetAllPages($"/odata/Revisions('{revision}')/{set}?$select=Id");
            Assert.Equal(rows.Where(r => (string)r["RevisionId"]! == revision).Select(r => (string)r["Id"]!).Order(),
                navigated.Select(r => (string)r["Id"]!).Order());
        }
    }

    public static TheoryData<string> SetNames() => new(Sets);

    [Fact]
    public async Task EachRevisionsDownloadIsItsDatasetAsTheLogHoldsItWithTheRecordedSizeAndHash()
    {
        foreach (var file in Files())
        {
            var id = (string)file["id"]!;
            using var response = await app.CreateClient().GetAsync($"/downloads/revisions/{id}/openkpi.json");
            var bytes = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal((long)file["download"]!["size"]!, bytes.LongLength);
            Assert.Equal((string)file["download"]!["sha256"]!, Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal($"\"{file["download"]!["sha256"]}\"", response.Headers.ETag!.Tag);
            Assert.Contains("immutable", response.Headers.CacheControl!.Extensions.Select(e => e.Name));
            var dataset = JsonNode.Parse(bytes)!.AsObject();
            Assert.Equal(id, (string)dataset["Revision"]!["Id"]!);
            var (records, _) = Replay(upTo: id);
            foreach (var set in Sets) Assert.True(JsonNode.DeepEquals(new JsonArray(records[set].Select(r => (JsonNode)r.DeepClone()).ToArray()), dataset[set]), $"{set} of revision {id}");
        }
    }

    [Fact]
    public async Task ARecordUnchangedSinceARevisionIsServedAsThatRevisionsDownloadHoldsIt()
    {
        foreach (var file in Files())
        {
            var id = (string)file["id"]!;
            var dataset = JsonNode.Parse(await app.CreateClient().GetStringAsync($"/downloads/revisions/{id}/openkpi.json"))!.AsObject();
            foreach (var set in Sets)
            {
                var (rows, _) = await app.GetAllPages($"/odata/{set}?$filter=RevisionId eq '{id}'");
                var published = dataset[set]!.AsArray().ToDictionary(r => (string)r!["Id"]!, r => r!);
                foreach (var row in rows)
                {
                    row.Remove("RevisionId");
                    Assert.True(JsonNode.DeepEquals(published[(string)row["Id"]!], row), $"{set}('{row["Id"]}') differs from revision {id}'s download");
                }
            }
        }
    }

    [Fact]
    public async Task AnUnknownRevisionHasNoDownload()
    {
        using var response = await app.CreateClient().GetAsync($"/downloads/revisions/{Files().Count + 1}/openkpi.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/odata/Revisions", await response.Content.ReadAsStringAsync());
    }

    /// <summary>A portal that synced at each earlier revision gets exactly what the revisions after it added, changed and removed.</summary>
    [Theory]
    [MemberData(nameof(SetNames))]
    public async Task ADeltaFromEachEarlierRevisionHoldsExactlyWhatTheLaterRevisionsChanged(string set)
    {
        var files = Files();
        foreach (var since in files.SkipLast(1).Select(f => (string)f["id"]!))
        {
            var later = files.SkipWhile(f => (string)f["id"]! != since).Skip(1).ToList();
            var changes = later.SelectMany(f => f["changes"]!.AsArray()).Where(c => (string)c!["set"]! == set).ToList();
            var removed = changes.SelectMany(c => c!["removed"]!.AsArray().Select(id => (string)id!)).ToHashSet();
            var changed = changes.SelectMany(c => c!["added"]!.AsArray().Concat(c["changed"]!.AsArray()).Select(r => (string)r!["Id"]!))
                .Where(id => !removed.Contains(id)).ToHashSet();

            var delta = await app.GetJson($"/odata/{set}?$deltatoken={since}");
            var rows = delta["value"]!.AsArray().Select(r => r!.AsObject()).ToList();

            Assert.Equal(changed.Order(), rows.Where(r => !r.ContainsKey("@removed") && !r.ContainsKey("@odata.removed")).Select(r => (string)r["Id"]!).Order());
            Assert.Equal(removed.Count, rows.Count(r => r.ContainsKey("@removed") || r.ContainsKey("@odata.removed") || r.ContainsKey("reason")));
            Assert.EndsWith($"$deltatoken={files[^1]["id"]}", (string)delta["@odata.deltaLink"]!);
        }
    }
}
