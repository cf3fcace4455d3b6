using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Catalogue;

/// <summary>One entity set of the stored catalogue: its public name, its record type and its records in <see cref="CatalogueData"/>.</summary>
public sealed record CatalogueSet(string Name, Type Type, Func<CatalogueData, IReadOnlyList<object>> Records);

/// <summary>The stored entity sets, in the order downloads and revisions list them.</summary>
public static class CatalogueSets
{
    public static IReadOnlyList<CatalogueSet> All { get; } =
    [
        new("Provinces", typeof(Province), d => d.Provinces), new("Documents", typeof(Document), d => d.Documents),
        new("Groups", typeof(Group), d => d.Groups), new("Units", typeof(Unit), d => d.Units),
        new("Frequencies", typeof(Frequency), d => d.Frequencies), new("Agencies", typeof(Agency), d => d.Agencies),
        new("Indicators", typeof(Indicator), d => d.Indicators), new("Targets", typeof(Target), d => d.Targets),
        new("CatalogueEntries", typeof(CatalogueEntry), d => d.CatalogueEntries),
    ];

    public static CatalogueSet? Named(string name) => All.FirstOrDefault(s => s.Name == name);
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
