using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// The whole catalogue in memory, linked: every navigation property points at the shared instance,
/// so a query walks object references and never touches the database. Built once, never changed.
/// </summary>
public sealed class CatalogueSnapshot
{
    public DatasetInfo Dataset { get; }
    public IReadOnlyList<Province> Provinces { get; }
    public IReadOnlyList<Document> Documents { get; }
    public IReadOnlyList<Group> Groups { get; }
    public IReadOnlyList<Unit> Units { get; }
    public IReadOnlyList<Frequency> Frequencies { get; }
    public IReadOnlyList<Agency> Agencies { get; }
    public IReadOnlyList<Indicator> Indicators { get; }
    public IReadOnlyList<Target> Targets { get; }
    public IReadOnlyList<CatalogueEntry> CatalogueEntries { get; }

    /// <summary>The published revisions, oldest first (none for a dataset without a revision log), each linked to the records it last changed.</summary>
    public IReadOnlyList<Revision> Revisions { get; }

    /// <summary>The revision log the records replay from: what past revisions' downloads are written from.</summary>
    public IReadOnlyList<OpenKpi.Domain.Revisions.RevisionFile> RevisionLog { get; }

    /// <summary>The revision these records are; null for a dataset without a revision log.</summary>
    public Revision? LatestRevision => Revisions.Count > 0 ? Revisions[^1] : null;

    /// <summary>
    /// When these records were published: their revision's day (midnight UTC). What answers give as Last-Modified and date their
    /// files with, so that every replica and rebuild of the same revision is the same bytes; no import time or machine value is
    /// served. A dataset without a revision log has 1980-01-01, the earliest date a zip entry holds.
    /// </summary>
    public DateTimeOffset PublishedAt => LatestRevision is { } revision
        ? new DateTimeOffset(revision.PublishedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
        : new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public IReadOnlyDictionary<string, Province> ProvincesById { get; }
    public IReadOnlyDictionary<string, Document> DocumentsById { get; }
    public IReadOnlyDictionary<string, Group> GroupsById { get; }
    public IReadOnlyDictionary<string, Unit> UnitsById { get; }
    public IReadOnlyDictionary<string, Frequency> FrequenciesById { get; }
    public IReadOnlyDictionary<string, Agency> AgenciesById { get; }
    public IReadOnlyDictionary<string, Indicator> IndicatorsById { get; }
    public IReadOnlyDictionary<string, Target> TargetsById => _targetsById.Value;

    /// <summary>The targets of each year, in the order of <see cref="Targets"/>; with the province, indicator and document lists, what a filter narrows by.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<Target>> TargetsByYear => _targetsByYear.Value;

    // Built on first use or by Warm, after start-up: a second of a million targets' start-up otherwise.
    private readonly Lazy<IReadOnlyDictionary<string, Target>> _targetsById;
    private readonly Lazy<IReadOnlyDictionary<int, IReadOnlyList<Target>>> _targetsByYear;
    public IReadOnlyDictionary<string, CatalogueEntry> CatalogueEntriesById { get; }

    public CatalogueSnapshot(CatalogueData data) : this(data, links => data.Targets.Select(CatalogueImage.Copier(links)).ToList())
    {
    }

    /// <summary>
    /// The records of <paramref name="data"/> linked, but for its targets: <paramref name="linkedTargets"/> makes them with the links
    /// it is given (an image's <see cref="CatalogueImage.Contents.Rows{T}"/>), so that each is made once, linked.
    /// </summary>
    public CatalogueSnapshot(CatalogueData data, Func<IReadOnlyList<RecordLink<Target>>, IReadOnlyList<Target>> linkedTargets)
    {
        Dataset = data.Dataset;
        Units = data.Units.OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
        Frequencies = data.Frequencies.OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        var units = Units.ToDictionary(u => u.Id, StringComparer.Ordinal);
        var frequencies = Frequencies.ToDictionary(f => f.Id, StringComparer.Ordinal);

        // Reference entities first; the collections they expose are filled as the rows are linked.
        var provinceDocuments = Buckets<Document>(data.Provinces.Select(p => p.Id));
        var provinceTargets = Buckets<Target>(data.Provinces.Select(p => p.Id));
        var provinces = LinkedWithin(data.Provinces, p => p.Id, p => p.SuccessorId, (p, successor) => p with
        {
            Successor = successor,
            Documents = provinceDocuments[p.Id],
            Targets = provinceTargets[p.Id],
        });
        Provinces = Sorted(provinces.Values, p => p.Id);

        var groupIndicators = Buckets<Indicator>(data.Groups.Select(g => g.Id));
        var groups = LinkedWithin(data.Groups, g => g.Id, g => g.ParentId, (g, parent) => g with
        {
            Parent = parent,
            Indicators = groupIndicators[g.Id],
        });
        Groups = data.Groups.Select(g => groups[g.Id]).ToList();

        var agencies = data.Agencies.ToDictionary(a => a.Id, a => a with { Province = Find(provinces, a.ProvinceId) }, StringComparer.Ordinal);
        Agencies = Sorted(agencies.Values, a => a.Id);

        var documentTargets = Buckets<Target>(data.Documents.Select(d => d.Id));
        var documentEntries = Buckets<CatalogueEntry>(data.Documents.Select(d => d.Id));
        var documents = data.Documents.ToDictionary(d => d.Id, d => d with
        {
            Province = Find(provinces, d.ProvinceId),
            Targets = documentTargets[d.Id],
            CatalogueEntries = documentEntries[d.Id],
        }, StringComparer.Ordinal);
        Documents = Sorted(documents.Values, d => d.Id);
        foreach (var document in Documents.Where(d => d.ProvinceId is not null)) provinceDocuments[document.ProvinceId!].Add(document);

        var indicatorTargets = Buckets<Target>(data.Indicators.Select(i => i.Id));
        var indicatorEntries = Buckets<CatalogueEntry>(data.Indicators.Select(i => i.Id));
        var indicatorFrequencies = data.Indicators.ToDictionary(i => i.Id, i => data.CatalogueEntries
            .Where(e => e.IndicatorId == i.Id).SelectMany(e => e.FrequencyIds).Distinct()
            .Select(id => frequencies[id]).OrderBy(f => f.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var indicators = data.Indicators.ToDictionary(i => i.Id, i => i with
        {
            Group = groups[i.GroupId],
            Unit = units[i.UnitId],
            Frequencies = indicatorFrequencies[i.Id],
            Targets = indicatorTargets[i.Id],
            CatalogueEntries = indicatorEntries[i.Id],
        }, StringComparer.Ordinal);
        Indicators = Sorted(indicators.Values, i => i.Id);
        foreach (var indicator in Indicators) groupIndicators[indicator.GroupId].Add(indicator);

        // Rows keep published order within each document.
        Targets = InPublishedOrder(linkedTargets(
        [
            RecordLink<Target>.Of(t => t.Indicator, t => t.IndicatorId, id => Find(indicators, id)),
            RecordLink<Target>.Of(t => t.Province, t => t.ProvinceId, id => Find(provinces, id)),
            RecordLink<Target>.Of(t => t.Document, t => t.DocumentId, id => documents[id]),
            RecordLink<Target>.Of(t => t.Unit, t => t.UnitId, id => Find(units, id)),
            RecordLink<Target>.Of(t => t.LeadAgency, t => t.LeadAgencyId, id => Find(agencies, id)),
            RecordLink<Target>.Of(t => t.LeadAgencies, t => t.LeadAgencyIds, ids => Resolve(ids, agencies)),
            RecordLink<Target>.Of(t => t.CoordinatingAgencies, t => t.CoordinatingAgencyIds, ids => Resolve(ids, agencies)),
        ]), t => t.DocumentId, t => t.SourceOrder);
        // Each kind of list filled by a pass of its own, the three side by side: none writes what another does.
        var targets = Targets;
        Parallel.Invoke(
            () => { foreach (var target in targets) documentTargets[target.DocumentId].Add(target); },
            () => { foreach (var target in targets) if (target.IndicatorId is not null) indicatorTargets[target.IndicatorId].Add(target); },
            () => { foreach (var target in targets) if (target.ProvinceId is not null) provinceTargets[target.ProvinceId].Add(target); });

        CatalogueEntries = InPublishedOrder(data.CatalogueEntries, e => e.DocumentId, e => e.SourceOrder).Select(e => e with
        {
            Document = documents[e.DocumentId],
            Indicator = Find(indicators, e.IndicatorId),
            Province = Find(provinces, e.ProvinceId),
            Unit = Find(units, e.UnitId),
            Agency = Find(agencies, e.AgencyId),
            Frequencies = Resolve(e.FrequencyIds, frequencies),
        }).ToList();
        foreach (var entry in CatalogueEntries)
        {
            documentEntries[entry.DocumentId].Add(entry);
            if (entry.IndicatorId is not null) indicatorEntries[entry.IndicatorId].Add(entry);
        }

        ProvincesById = provinces;
        DocumentsById = documents;
        GroupsById = groups;
        UnitsById = units;
        FrequenciesById = frequencies;
        AgenciesById = agencies;
        IndicatorsById = indicators;
        // Method groups, not lambdas: a lambda here would share the constructor's closure and keep the unlinked records alive.
        _targetsById = new(KeyTargets);
        _targetsByYear = new(GroupTargetsByYear);
        CatalogueEntriesById = CatalogueEntries.ToDictionary(e => e.Id, StringComparer.Ordinal);

        RevisionLog = data.Revisions;
        Revisions = data.Revisions.Select(r => LinkedRevision(r)).ToList();
        RevisionsById = Revisions.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, Revision> RevisionsById { get; }

    private IReadOnlyDictionary<string, Target> KeyTargets() => Targets.ToDictionary(t => t.Id, StringComparer.Ordinal);

    private IReadOnlyDictionary<int, IReadOnlyList<Target>> GroupTargetsByYear() =>
        Targets.GroupBy(t => t.Year).ToDictionary(g => g.Key, g => (IReadOnlyList<Target>)g.ToList());

    // A revision as an entity: its counts and keys from the log, its navigations to the records it last changed.
    private Revision LinkedRevision(OpenKpi.Domain.Revisions.RevisionFile file)
    {
        string[] Keys(Func<OpenKpi.Domain.Revisions.SetChanges, IEnumerable<string>> ids) =>
            file.Changes.SelectMany(c => ids(c).Select(id => OpenKpi.Domain.Revisions.RevisionLog.KeyOf(c.Set, id))).ToArray();
        List<T> Last<T>(IEnumerable<T> records, Func<T, string?> revision) => records.Where(r => revision(r) == file.Id).ToList();
        var added = Keys(c => c.Added.Select(OpenKpi.Domain.Revisions.RevisionLog.IdOf));
        var changed = Keys(c => c.Changed.Select(OpenKpi.Domain.Revisions.RevisionLog.IdOf));
        var removed = Keys(c => c.Removed);
        return new Revision
        {
            Id = file.Id, PublishedOn = file.PublishedOn, Summary = file.Summary,
            Added = added.Length, Changed = changed.Length, Removed = removed.Length,
            AddedRecords = added, ChangedRecords = changed, RemovedRecords = removed,
            DownloadUrl = OpenKpi.Domain.Revisions.RevisionLog.DownloadPath(file.Id), DownloadSize = file.Download.Size, DownloadSha256 = file.Download.Sha256,
            Provinces = Last(Provinces, r => r.RevisionId), Documents = Last(Documents, r => r.RevisionId), Groups = Last(Groups, r => r.RevisionId),
            Units = Last(Units, r => r.RevisionId), Frequencies = Last(Frequencies, r => r.RevisionId), Agencies = Last(Agencies, r => r.RevisionId),
            Indicators = Last(Indicators, r => r.RevisionId), Targets = Last(Targets, r => r.RevisionId),
            CatalogueEntries = Last(CatalogueEntries, r => r.RevisionId),
        };
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Lazy<Task<Text.ISearchIndex>>> _search = new();

    /// <summary>The entity set whose entities are of <paramref name="entityType"/>.</summary>
    public System.Collections.IList EntitiesOf(Type entityType) => CatalogueSets.Of(entityType).Served(this);

    /// <summary>The search index of the entity set of <paramref name="entityType"/>, built on first use (waiting for it if it is being built).</summary>
    public Text.ISearchIndex SearchIndexOf(Type entityType) => SearchIndexBuilt(entityType).GetAwaiter().GetResult();

    /// <summary>
    /// The search index of the entity set of <paramref name="entityType"/>, built once on the thread pool, on first use or by
    /// <see cref="Warm"/> (seconds at a million targets): done when it is built, so that a request can wait for it for a while, not for ever.
    /// </summary>
    public Task<Text.ISearchIndex> SearchIndexBuilt(Type entityType) =>
        _search.GetOrAdd(entityType, type => new Lazy<Task<Text.ISearchIndex>>(() => Task.Run(() =>
            (Text.ISearchIndex)Activator.CreateInstance(typeof(Text.SearchIndex<>).MakeGenericType(type), EntitiesOf(type))!))).Value;

    /// <summary>Builds the indexes of the large sets (keys, years, search), so that the first query does not wait for them.</summary>
    public void Warm()
    {
        _ = TargetsById;
        _ = TargetsByYear;
        SearchIndexOf(typeof(Target));
        SearchIndexOf(typeof(CatalogueEntry));
        SearchIndexOf(typeof(Indicator));
    }

    /// <summary>
    /// Links the records of a set whose navigation points into the same set (a group's parent, a province's successor)
    /// to the linked record it points at, not to the plain one: each is linked after the one it points at. Keyed in the set's order.
    /// </summary>
    private static Dictionary<string, T> LinkedWithin<T>(IEnumerable<T> records, Func<T, string> id, Func<T, string?> next, Func<T, T?, T> link) where T : class
    {
        var plain = records.ToDictionary(id, StringComparer.Ordinal);
        var linked = new Dictionary<string, T>(StringComparer.Ordinal);
        var linking = new HashSet<string>(StringComparer.Ordinal);
        T Link(T record)
        {
            var key = id(record);
            if (linked.TryGetValue(key, out var done)) return done;
            if (!linking.Add(key)) throw new InvalidOperationException($"{typeof(T).Name} '{key}' points at itself through a cycle; immutable records cannot hold one.");
            var target = next(record) is { } nextId ? Link(plain[nextId]) : null;
            return linked[key] = link(record, target);
        }
        foreach (var record in plain.Values) Link(record);
        return plain.Keys.ToDictionary(key => key, key => linked[key], StringComparer.Ordinal);
    }

    // Rows in their documents' order (ordinal) and published order within each: the order the importer writes them in, so a
    // pass that finds them so usually replaces a sort by text (most of a second at a million targets). Ties keep their order.
    private static IReadOnlyList<T> InPublishedOrder<T>(IReadOnlyList<T> rows, Func<T, string> document, Func<T, int> order)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            var documents = string.CompareOrdinal(document(rows[i - 1]), document(rows[i]));
            if (documents > 0 || (documents == 0 && order(rows[i - 1]) > order(rows[i])))
                return rows.OrderBy(document, StringComparer.Ordinal).ThenBy(order).ToList();
        }
        return rows;
    }

    // The linked records of a list of keys; no keys share one empty list (most targets name no agency: 64 MB at a million).
    private static IReadOnlyList<T> Resolve<T>(string[] ids, Dictionary<string, T> byId) => ids.Length == 0 ? [] : [.. ids.Select(id => byId[id])];

    private static Dictionary<string, List<T>> Buckets<T>(IEnumerable<string> ids) => ids.ToDictionary(id => id, _ => new List<T>(), StringComparer.Ordinal);

    private static T? Find<T>(Dictionary<string, T> byId, string? id) where T : class => id is null ? null : byId[id];

    private static List<T> Sorted<T>(IEnumerable<T> items, Func<T, string> key) => items.OrderBy(key, StringComparer.Ordinal).ToList();
}
