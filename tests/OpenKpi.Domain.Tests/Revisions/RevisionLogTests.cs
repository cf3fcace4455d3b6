using System.Text.Json.Nodes;
using OpenKpi.Domain.Revisions;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Tests.Revisions;

/// <summary>The revision log as the importer and `revise` use it: a correction is served only once it is published as a revision.</summary>
public sealed class RevisionLogTests
{
    private static int PublishedRevisions => Directory.GetFiles(Path.Combine(RepositoryPaths.Seeds, "revisions"), "*.json").Length;

    [Fact]
    public void TheCommittedSeedsAreWhatTheirLastRevisionPublished()
    {
        var (data, published) = SeedImporter.LoadUnpublished(RepositoryPaths.Seeds);

        Assert.Equal(PublishedRevisions.ToString(), published.Revision!.Id);
        Assert.Empty(RevisionLog.Diff(published, data));
        Assert.Null(RevisionLog.Next(data.Revisions, data, "nothing", new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void SeedsChangedWithoutARevisionAreRefusedNamingWhatChanged()
    {
        using var seeds = new SeedCopy();
        var agency = JsonNode.Parse(File.ReadAllText(seeds.PathOf("agencies/VN-57.json")))!.AsArray()[0]!;
        seeds.Replace("agencies/VN-57.json", $"\"nameEn\": \"{agency["nameEn"]}\"", $"\"nameEn\": \"{agency["nameEn"]} (corrected)\"");

        var error = Assert.Single(Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors);

        Assert.Equal("revisions/", error.File);
        Assert.Contains($"Agencies: 1 changed ('{agency["id"]}')", error.Message);
        Assert.Contains("revise --summary", error.Message);
    }

    [Fact]
    public void ARevisionHoldsWhatTheSeedsAddedChangedAndRemovedAndStampsTheRecords()
    {
        using var seeds = new SeedCopy();
        var agency = JsonNode.Parse(File.ReadAllText(seeds.PathOf("agencies/VN-57.json")))!.AsArray()[0]!;
        seeds.Replace("agencies/VN-57.json", $"\"nameEn\": \"{agency["nameEn"]}\"", $"\"nameEn\": \"{agency["nameEn"]} (corrected)\"");
        var table = JsonNode.Parse(File.ReadAllText(seeds.PathOf("targets/bd-kh2023-2023.json")))!.AsObject();
        var removed = (string)table["rows"]!.AsArray()[^1]!["id"]!;
        table["rows"]!.AsArray().RemoveAt(table["rows"]!.AsArray().Count - 1);
        File.WriteAllText(seeds.PathOf("targets/bd-kh2023-2023.json"), table.ToJsonString());

        var (data, _) = SeedImporter.LoadUnpublished(seeds.Directory);
        var revision = RevisionLog.Next(data.Revisions, data, "A correction.", new DateOnly(2026, 12, 1))!;
        RevisionLog.Write(seeds.Directory, revision);
        var served = SeedImporter.Load(seeds.Directory);

        Assert.Equal((PublishedRevisions + 1).ToString(), revision.Id);
        Assert.Equal([("Agencies", 0, 1, 0), ("Targets", 0, 0, 1)], revision.Changes.Select(c => (c.Set, c.Added.Length, c.Changed.Length, c.Removed.Length)));
        Assert.Equal((string)agency["id"]!, (string)revision.Changes[0].Changed[0]["Id"]!);
        Assert.Equal([removed], revision.Changes[1].Removed);
        Assert.Equal(revision.Id, served.Agencies.Single(a => a.Id == (string)agency["id"]!).RevisionId);
        Assert.All(served.Agencies.Where(a => a.Id != (string)agency["id"]!), a => Assert.NotEqual(revision.Id, a.RevisionId));
        Assert.DoesNotContain(served.Targets, t => t.Id == removed);
    }

    [Fact]
    public void AnEditedPublishedRevisionIsRefused()
    {
        using var seeds = new SeedCopy();
        var first = seeds.PathOf("revisions/1.json");
        var text = File.ReadAllText(first);
        var at = text.IndexOf("\"NameEn\": \"", StringComparison.Ordinal) + "\"NameEn\": \"".Length;
        File.WriteAllText(first, text[..at] + "Edited " + text[at..]);

        var errors = Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors;

        Assert.Contains(errors, e => e.File == "revisions/1.json" && e.Field == "download" && e.Message.Contains("never edited"));
    }

    [Fact]
    public void AMissingRevisionFileIsRefused()
    {
        using var seeds = new SeedCopy();
        File.Copy(seeds.PathOf("revisions/1.json"), seeds.PathOf($"revisions/{PublishedRevisions + 2}.json"));

        var errors = Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors;

        Assert.Contains(errors, e => e.File == $"revisions/{PublishedRevisions + 2}.json" && e.Message.Contains("none missing"));
    }

    [Fact]
    public void TheDownloadOfARevisionIsTheSameBytesOnEveryReplay()
    {
        var errors = new List<SeedError>();
        var log = RevisionLog.Read(RepositoryPaths.Seeds, errors);

        var first = RevisionLog.Download(RevisionLog.Replay(log, errors, upTo: "1"));
        var again = RevisionLog.Download(RevisionLog.Replay(RevisionLog.Read(RepositoryPaths.Seeds, errors), errors, upTo: "1"));

        Assert.Empty(errors);
        Assert.Equal(first, again);
        Assert.Equal(log[0].Download.Size, first.LongLength);
    }
}
