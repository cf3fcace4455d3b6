using System.Text.Json.Nodes;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Tests.Seeding;

public sealed class SeedImporterTests
{
    [Fact]
    public void TheRepositorySeedsAreValid()
    {
        var data = SeedImporter.Load(RepositoryPaths.Seeds);

        Assert.NotEmpty(data.Targets);
        Assert.NotEmpty(data.CatalogueEntries);
    }

    [Fact]
    public void AWrongFieldIsRejectedNamingFileRecordAndField()
    {
        using var seeds = new SeedCopy();
        var firstTarget = FirstRow("targets/ls-qd136-2024.json");
        seeds.Replace("targets/ls-qd136-2024.json", $"\"unitId\": \"{firstTarget["unitId"]}\"", "\"unitId\": \"furlongs\"");

        var error = Assert.Single(Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors);

        Assert.Equal("targets/ls-qd136-2024.json", error.File);
        Assert.StartsWith((string)firstTarget["id"]!, error.Record);
        Assert.Equal("unitId", error.Field);
        Assert.Contains("'furlongs' is not a unit", error.Message);
    }

    [Fact]
    public void EveryErrorIsReportedNotOnlyTheFirst()
    {
        using var seeds = new SeedCopy();
        seeds.Replace("provinces.json", "\"id\": \"VN-09\"", "\"id\": \"Lang Son\"");
        seeds.Replace("units.json", "\"multiplier\": 1000000000,", "\"multiplier\": -1,");
        seeds.Replace("catalogue/vl-qd999-2025.json", "\"isHeading\": false", "\"isHeading\": null");

        var errors = Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors;

        Assert.Contains(errors, e => e.File == "provinces.json" && e.Field == "id");
        Assert.Contains(errors, e => e.File == "units.json" && e.Record.StartsWith("vnd-billion") && e.Field == "multiplier");
        Assert.Contains(errors, e => e.File == "catalogue/vl-qd999-2025.json" && e.Field == "isHeading");
    }

    [Fact]
    public void AnUnknownFieldNameIsRejectedWithItsPath()
    {
        using var seeds = new SeedCopy();
        seeds.Replace("targets/ls-qd136-2024.json", "\"label\":", "\"lable\":");

        var error = Assert.Single(Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors);

        Assert.Equal("targets/ls-qd136-2024.json", error.File);
        Assert.Equal("rows[0]", error.Record);
        Assert.Equal("lable", error.Field);
    }

    [Fact]
    public void ARowOutOfPublishedOrderIsRejected()
    {
        using var seeds = new SeedCopy();
        seeds.Replace("targets/ls-qd136-2024.json", "\"order\": 2,", "\"order\": 7,");

        var errors = Assert.Throws<SeedValidationException>(() => SeedImporter.Load(seeds.Directory)).Errors;

        Assert.Contains(errors, e => e.Field == "order" && e.Message.Contains("expected 2"));
    }

    [Fact]
    public void AFailedImportLeavesThePreviousDatabaseInPlace()
    {
        using var seeds = new SeedCopy();
        var before = SeedImporter.Import(seeds.Directory, seeds.DatabasePath);
        var bytes = File.ReadAllBytes(seeds.DatabasePath);
        seeds.Replace("indicators.json", "\"groupId\": \"health\"", "\"groupId\": \"wellness\"");

        Assert.Throws<SeedValidationException>(() => SeedImporter.Import(seeds.Directory, seeds.DatabasePath));

        Assert.Equal(bytes, File.ReadAllBytes(seeds.DatabasePath));
        Assert.Equal(before.Targets.Count, CatalogueStore.Read(seeds.DatabasePath).Targets.Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(seeds.DatabasePath)!, $".{Path.GetFileName(seeds.DatabasePath)}.*"));
    }

    [Fact]
    public void AFailedImportWritesNoDatabaseWhereThereWasNone()
    {
        using var seeds = new SeedCopy();
        seeds.Replace("documents.json", "\"year\": 2024", "\"year\": 1800");

        Assert.Throws<SeedValidationException>(() => SeedImporter.Import(seeds.Directory, seeds.DatabasePath));

        Assert.False(File.Exists(seeds.DatabasePath));
    }

    [Fact]
    public void TheSameSeedsGiveTheSameKeysAndVersionOnEveryImport()
    {
        using var seeds = new SeedCopy();
        var first = SeedImporter.Import(seeds.Directory, seeds.DatabasePath);
        var second = SeedImporter.Import(seeds.Directory, seeds.DatabasePath);

        Assert.Equal(first.Dataset.Version, second.Dataset.Version);
        Assert.Equal(first.Targets.Select(t => t.Id), CatalogueStore.Read(seeds.DatabasePath).Targets.Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.Equal(first.CatalogueEntries.Select(e => e.Id).Order(StringComparer.Ordinal),
            second.CatalogueEntries.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheDatabaseRoundTripsEveryRecord()
    {
        using var seeds = new SeedCopy();
        var written = SeedImporter.Import(seeds.Directory, seeds.DatabasePath);

        var read = CatalogueStore.Read(seeds.DatabasePath);

        Assert.Equal(written.Targets.OrderBy(t => t.Id, StringComparer.Ordinal), read.Targets.OrderBy(t => t.Id, StringComparer.Ordinal), TargetComparer.Instance);
        Assert.Equal(written.Documents.Select(d => (d.Id, d.IssuedOn, d.ProvinceId)).Order(), read.Documents.Select(d => (d.Id, d.IssuedOn, d.ProvinceId)).Order());
        Assert.Equal(written.Units.Select(u => (u.Id, u.Multiplier)).Order(), read.Units.Select(u => (u.Id, u.Multiplier)).Order());
    }

    [Fact]
    public void ADatabaseOfAnotherSchemaIsRefused()
    {
        using var seeds = new SeedCopy();
        var data = SeedImporter.Load(seeds.Directory);
        CatalogueStore.Write(seeds.DatabasePath, data with { Dataset = data.Dataset with { Schema = DatasetInfo.CurrentSchema + 1 } });

        Assert.Throws<CatalogueStoreException>(() => CatalogueStore.Read(seeds.DatabasePath));
    }

    [Fact]
    public void AnImportInterruptedMidwayLeavesThePreviousDatabaseIntact()
    {
        using var seeds = new SeedCopy();
        var data = SeedImporter.Import(seeds.Directory, seeds.DatabasePath);
        var bytes = File.ReadAllBytes(seeds.DatabasePath);

        // The writer fails after half the targets, as a crash or a full disk would stop it.
        var interrupted = data with { Targets = new FailingList<Entities.Target>(data.Targets, failAt: data.Targets.Count / 2) };
        Assert.Throws<IOException>(() => CatalogueStore.Write(seeds.DatabasePath, interrupted));

        Assert.Equal(bytes, File.ReadAllBytes(seeds.DatabasePath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(seeds.DatabasePath)!, $".{Path.GetFileName(seeds.DatabasePath)}.*"));
    }

    private sealed class FailingList<T>(IReadOnlyList<T> items, int failAt) : IReadOnlyList<T>
    {
        public T this[int index] => items[index];
        public int Count => items.Count;

        public IEnumerator<T> GetEnumerator()
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (i == failAt) throw new IOException("interrupted");
                yield return items[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private static JsonNode FirstRow(string relative) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, relative)))!["rows"]![0]!;

    private sealed class TargetComparer : IEqualityComparer<Entities.Target>
    {
        public static readonly TargetComparer Instance = new();

        public bool Equals(Entities.Target? x, Entities.Target? y) =>
            x is not null && y is not null && x.Id == y.Id && x.RawValue == y.RawValue && x.Comparator == y.Comparator
            && x.Lower == y.Lower && x.Upper == y.Upper && x.SourceLabel == y.SourceLabel && x.SourceRow == y.SourceRow
            && x.LeadAgencyIds.SequenceEqual(y.LeadAgencyIds) && x.CoordinatingAgencyIds.SequenceEqual(y.CoordinatingAgencyIds)
            && x.Year == y.Year && x.ProvinceId == y.ProvinceId;

        public int GetHashCode(Entities.Target obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}

public sealed class SeedVersionTests
{
    [Fact]
    public void TheVersionFromFileBytesIsTheVersionTheReaderReports()
    {
        var errors = new List<SeedError>();

        Assert.Equal(SeedReader.Read(RepositoryPaths.Seeds, errors).Version, SeedReader.Version(RepositoryPaths.Seeds));
        Assert.Empty(errors);
    }

    [Fact]
    public void TheStampChangesWithAFilesLengthOrLastWriteAndIsNullWhileAFileIsNew()
    {
        using var seeds = new SeedCopy();
        var folder = seeds.Directory;
        var files = System.IO.Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories);
        File.SetLastWriteTimeUtc(files[0], DateTime.UtcNow);   // a copy keeps its source's date; this one is written now
        Assert.Null(SeedReader.Stamp(folder));   // just written: a write in the same tick could keep the date

        var settled = DateTime.UtcNow.AddHours(-1);
        foreach (var file in files) File.SetLastWriteTimeUtc(file, settled);
        var stamp = SeedReader.Stamp(folder);
        Assert.NotNull(stamp);
        Assert.Equal(stamp, SeedReader.Stamp(folder));

        var indicators = seeds.PathOf("indicators.json");
        File.SetLastWriteTimeUtc(indicators, settled.AddSeconds(-1));   // the same bytes, written at another time
        var redated = SeedReader.Stamp(folder);
        Assert.NotEqual(stamp, redated);

        File.AppendAllText(indicators, " ");
        File.SetLastWriteTimeUtc(indicators, settled.AddSeconds(-1));   // another length, at the same time
        Assert.NotEqual(redated, SeedReader.Stamp(folder));
    }
}
