using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// One entity set: its public name, its record type, what it holds (for the OpenAPI document's tags), its linked records in the
/// snapshot, and, for the sets the seeds hold, its records in <see cref="CatalogueData"/> (null for the revision log, derived from them).
/// </summary>
public sealed record CatalogueSet(string Name, Type Type, string Description, Func<CatalogueSnapshot, IList> Served, Func<CatalogueData, IReadOnlyList<object>>? Stored);

/// <summary>
/// The one table of entity sets, in the order every listing uses: the EDM model, the snapshot, the image, the downloads, the
/// revision log, the index and the OpenAPI document all read it.
/// </summary>
public static class CatalogueSets
{
    public static IReadOnlyList<CatalogueSet> Served { get; } =
    [
        new("Provinces", typeof(Province), "Provinces, keyed by ISO 3166-2 code, with their successor after the 1 July 2025 reorganisation.",
            c => (IList)c.Provinces, d => d.Provinces),
        new("Documents", typeof(Document), "Source documents with their legal citation; ProvinceId is null where the source names none.",
            c => (IList)c.Documents, d => d.Documents),
        new("Groups", typeof(Group), "The thematic taxonomy every indicator belongs to.", c => (IList)c.Groups, d => d.Groups),
        new("Units", typeof(Unit), "Units as Vietnamese documents write them, with the base unit and multiplier that make values comparable.",
            c => (IList)c.Units, d => d.Units),
        new("Frequencies", typeof(Frequency), "Reporting frequencies, keyed by SDMX code where one fits.", c => (IList)c.Frequencies, d => d.Frequencies),
        new("Agencies", typeof(Agency), "Organisations named as lead, coordinating or reporting agencies, with their 2025 successors.",
            c => (IList)c.Agencies, d => d.Agencies),
        new("Indicators", typeof(Indicator), "Harmonised indicators: one concept shared by every province's row that measures it.",
            c => (IList)c.Indicators, d => d.Indicators),
        new("Targets", typeof(Target), "Published targets: wording and value as published beside the parsed comparator and bounds.",
            c => (IList)c.Targets, d => d.Targets),
        new("CatalogueEntries", typeof(CatalogueEntry), "Rows of indicator catalogues: what a province reports, how often and by whom.",
            c => (IList)c.CatalogueEntries, d => d.CatalogueEntries),
        new("Revisions", typeof(Revision), "The dataset's published revisions: when, why, what each added, changed and removed, and its whole dataset as it was. " +
            "Prefer: odata.track-changes on any set gives a delta link; $deltatoken=<revision Id> returns what changed since that revision.",
            c => (IList)c.Revisions, null),
    ];

    /// <summary>The sets the seeds hold, which the store keeps, the downloads hold and the revision log tracks.</summary>
    public static IReadOnlyList<CatalogueSet> All { get; } = Served.Where(s => s.Stored is not null).ToList();

    public static CatalogueSet Of(Type type) =>
        Served.FirstOrDefault(s => s.Type == type) ?? throw new ArgumentException($"{type} is not an entity set of the catalogue.", nameof(type));

    /// <summary>The records of a stored set in <paramref name="data"/>.</summary>
    public static IReadOnlyList<object> Records(this CatalogueSet set, CatalogueData data) => set.Stored!(data);
}

/// <summary>
/// Records as JSON, the way downloads and the revision log write them: stored properties only (the navigation properties,
/// marked [BsonIgnore] for the store, would repeat the dataset in cycles), enums by name, Vietnamese unescaped.
/// </summary>
public static class CatalogueJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    foreach (var property in info.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(LiteDB.BsonIgnoreAttribute), inherit: true) == true).ToList())
                        info.Properties.Remove(property);
                },
            },
        },
    };
}
