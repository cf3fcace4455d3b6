using System.Globalization;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Revisions;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Domain.Seeding;

/// <summary>Reads, validates and converts seeds/ into catalogue records, and writes them to the LiteDB file.</summary>
public static class SeedImporter
{
    /// <summary>Builds the database at <paramref name="databasePath"/> from the seeds, or throws with every error and leaves any existing file untouched.</summary>
    public static CatalogueData Import(string seedDirectory, string databasePath, TimeProvider? clock = null)
    {
        var data = Load(seedDirectory, clock);
        CatalogueStore.Write(databasePath, data);
        return data;
    }

    /// <summary>
    /// Reads and validates the seeds; throws <see cref="SeedValidationException"/> with every error found. Where the seeds keep a
    /// revision log, they must be what its last revision published: a correction is served only once it is a revision of its own.
    /// </summary>
    public static CatalogueData Load(string seedDirectory, TimeProvider? clock = null)
    {
        var (data, state) = LoadUnpublished(seedDirectory, clock);
        if (state.Revision is { } last && RevisionLog.Diff(state, data) is { Count: > 0 } changes)
            throw new SeedValidationException([new SeedError($"{RevisionLog.Folder}/", $"revision {last.Id}", "-",
                $"the seeds differ from revision {last.Id}, the last published ({Describe(changes)}); publish them as a revision: " +
                "dotnet run --project src/OpenKpi.Api -- revise --summary \"what changed and why\"")]);
        RevisionLog.Stamp(data, state);
        return data;
    }

    /// <summary>The seeds' records, validated, and the dataset their revision log replays to, which they may differ from (what `revise` publishes).</summary>
    public static (CatalogueData Data, RevisionState Published) LoadUnpublished(string seedDirectory, TimeProvider? clock = null)
    {
        var errors = new List<SeedError>();
        var seeds = SeedReader.Read(seedDirectory, errors);
        errors.AddRange(SeedValidation.Validate(seeds, seedDirectory));
        var revisions = RevisionLog.Read(seedDirectory, errors);
        var state = RevisionLog.Replay(revisions, errors);
        if (errors.Count > 0) throw new SeedValidationException(errors);
        return (Convert(seeds, (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime) with { Revisions = revisions }, state);
    }

    // "Targets: 2 changed ('a', 'b'); Agencies: 1 added ('c')", at most three keys a kind.
    private static string Describe(IReadOnlyList<SetChanges> changes) => string.Join("; ", changes.Select(c => $"{c.Set}: " + string.Join(", ",
        new[] { ("added", c.Added.Select(RevisionLog.IdOf).ToArray()), ("changed", c.Changed.Select(RevisionLog.IdOf).ToArray()), ("removed", c.Removed) }
            .Where(k => k.Item2.Length > 0)
            .Select(k => $"{k.Item2.Length} {k.Item1} ({string.Join(", ", k.Item2.Take(3).Select(id => $"'{id}'"))}{(k.Item2.Length > 3 ? ", …" : "")})"))));

    private static CatalogueData Convert(SeedSet seeds, DateTime importedAtUtc)
    {
        var documents = seeds.Documents.Select(d => d.Record).Select(d => new Document
        {
            Id = d.Id!, SourceFile = d.SourceFile!, ProvinceId = d.ProvinceId, Issuer = d.Issuer, Kind = d.Kind!,
            Number = d.Number, Title = d.Title!, Appendix = d.Appendix, Year = d.Year!.Value, Note = d.Note,
            Shape = Enum.Parse<DocumentShape>(d.Shape!),
            IssuedOn = d.IssuedOn is null ? null : DateOnly.ParseExact(d.IssuedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        }).ToList();
        var documentsById = documents.ToDictionary(d => d.Id, StringComparer.Ordinal);

        return new CatalogueData
        {
            Dataset = new DatasetInfo { Version = seeds.Version, SeedStamp = seeds.Stamp, ImportedAtUtc = importedAtUtc, Fingerprint = CatalogueFingerprint.Current },
            Provinces = seeds.Provinces.Select(p => p.Record)
                .Select(p => new Province { Id = p.Id!, Name = p.Name!, NameEn = p.NameEn!, SuccessorId = p.SuccessorId, Note = p.Note }).ToList(),
            Documents = documents,
            Groups = seeds.Groups.Select(g => g.Record)
                .Select(g => new Group { Id = g.Id!, Name = g.Name!, NameEn = g.NameEn!, ParentId = g.ParentId }).ToList(),
            Units = seeds.Units.Select(u => u.Record).Select(u => new Unit
            {
                Id = u.Id!, Name = u.Name!, Spellings = u.Spellings ?? [], NameEn = u.NameEn!, BaseUnit = u.BaseUnit!,
                Multiplier = u.Multiplier!.Value, Note = u.Note,
            }).ToList(),
            Frequencies = seeds.Frequencies.Select(f => f.Record)
                .Select(f => new Frequency { Id = f.Id!, Name = f.Name!, NameEn = f.NameEn!, IsSdmx = f.IsSdmx!.Value }).ToList(),
            Agencies = seeds.Agencies.Select(a => a.Record).Select(a => new Agency
            {
                Id = a.Id!, Name = a.Name!, NameEn = a.NameEn!, NameEnProvisional = a.NameEnProvisional ?? false,
                ProvinceId = a.ProvinceId, Kind = a.Kind!, SuccessorIds = a.SuccessorIds ?? [], Note = a.Note,
            }).ToList(),
            Indicators = seeds.Indicators.Select(i => i.Record).Select(i => new Indicator
            {
                Id = i.Id!, Name = i.Name!, NameEn = i.NameEn!, NameEnProvisional = i.NameEnProvisional ?? false,
                GroupId = i.GroupId!, UnitId = i.UnitId!, Note = i.Note,
            }).ToList(),
            Targets = seeds.TargetTables
                .SelectMany(t => t.Record.Rows!.Select(row => ToTarget(row, documentsById[t.Record.DocumentId!]))).ToList(),
            CatalogueEntries = seeds.CatalogueTables
                .SelectMany(t => t.Record.Rows!.Select(row => ToCatalogueEntry(row, documentsById[t.Record.DocumentId!]))).ToList(),
        };
    }

    private static Target ToTarget(TargetRowSeed row, Document document)
    {
        var parsed = TargetValueParser.Parse(row.Value);
        var leadAgencyIds = row.LeadAgencyIds ?? [];
        return new Target
        {
            Id = row.Id!, IndicatorId = row.IndicatorId, ProvinceId = document.ProvinceId, Year = row.Year ?? document.Year,
            DocumentId = document.Id, SourceRow = row.Row, SourceOrder = row.Order!.Value, SourceLine = row.Line!.Value,
            ParentId = row.ParentId, Section = row.Section, SourceParagraph = row.Paragraph, SourceLabel = row.Label!, IsHeading = row.IndicatorId is null,
            RawValue = row.Value, Comparator = parsed.Comparator, Lower = parsed.Lower, Upper = parsed.Upper,
            ValueQualifier = parsed.Qualifier, PublishedUnit = row.Unit, UnitId = row.UnitId, UnitInherited = row.UnitInherited ?? false,
            LeadAgencyId = leadAgencyIds.FirstOrDefault(), LeadAgencyIds = leadAgencyIds,
            CoordinatingAgencyIds = row.CoordinatingAgencyIds ?? [], PublishedLeadAgency = row.LeadAgency,
            PublishedCoordinatingAgencies = row.CoordinatingAgencies, AgencyInherited = row.AgencyInherited ?? false, Note = row.Note,
        };
    }

    private static CatalogueEntry ToCatalogueEntry(CatalogueRowSeed row, Document document) => new()
    {
        Id = row.Id!, DocumentId = document.Id, ProvinceId = document.ProvinceId, Year = document.Year,
        SourceRow = row.Row!, Code = row.Code!, SourceOrder = row.Order!.Value, SourceLine = row.Line!.Value, ParentId = row.ParentId,
        SourceLabel = row.Label!, IsHeading = row.IsHeading!.Value, IndicatorId = row.IndicatorId, PublishedUnit = row.Unit,
        UnitId = row.UnitId, Scope = row.Scope, PublishedFrequency = row.Frequency, FrequencyIds = row.FrequencyIds ?? [],
        PublishedAgency = row.Agency, AgencyId = row.AgencyId, Note = row.Note,
    };
}
