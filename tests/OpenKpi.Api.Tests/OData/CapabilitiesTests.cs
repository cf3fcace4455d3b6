using System.Xml.Linq;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OData;

/// <summary>$metadata says what a client may do with every set, with the declared limits: read-only, and how it may be queried.</summary>
[Collection(KpiCollection.Name)]
public sealed class CapabilitiesTests(KpiApplication app)
{
    private static readonly XNamespace Edm = "http://docs.oasis-open.org/odata/ns/edm";
    private static readonly XNamespace Edmx = "http://docs.oasis-open.org/odata/ns/edmx";
    private const string Capabilities = "Org.OData.Capabilities.V1";

    public static TheoryData<string> EntitySets() => [.. EdmModelFactory.Build().EntityContainer.EntitySets().Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(EntitySets))]
    public async Task EverySetIsDeclaredReadOnlyWithItsQueryCapabilitiesAndTheDeclaredLimits(string set)
    {
        var annotations = await AnnotationsOf(set);

        Assert.Equal("false", Property(annotations, $"{Capabilities}.InsertRestrictions", "Insertable"));
        Assert.Equal("false", Property(annotations, $"{Capabilities}.UpdateRestrictions", "Updatable"));
        Assert.Equal("false", Property(annotations, $"{Capabilities}.DeleteRestrictions", "Deletable"));
        Assert.Equal("true", Tag(annotations, $"{Capabilities}.TopSupported"));
        Assert.Equal("true", Tag(annotations, $"{Capabilities}.SkipSupported"));
        Assert.Equal("false", Tag(annotations, $"{Capabilities}.ComputeSupported"));
        Assert.Equal("true", Property(annotations, $"{Capabilities}.CountRestrictions", "Countable"));
        Assert.Equal("true", Property(annotations, $"{Capabilities}.FilterRestrictions", "Filterable"));
        Assert.Equal("false", Property(annotations, $"{Capabilities}.FilterRestrictions", "RequiresFilter"));
        Assert.Equal("true", Property(annotations, $"{Capabilities}.SearchRestrictions", "Searchable"));
        Assert.Equal("true", Property(annotations, $"{Capabilities}.ExpandRestrictions", "Expandable"));
        Assert.Equal(QueryLimits.MaxExpansionDepth.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Property(annotations, $"{Capabilities}.ExpandRestrictions", "MaxLevels"));
        Assert.Equal(QueryLimits.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), Tag(annotations, EdmModelFactory.PageSizeTerm));
    }

    [Fact]
    public async Task TheVocabulariesAndThePageSizeTermAreDeclared()
    {
        var xml = XDocument.Parse(await app.CreateClient().GetStringAsync("/odata/$metadata"));

        var included = xml.Root!.Elements(Edmx + "Reference").SelectMany(r => r.Elements(Edmx + "Include")).Select(i => (string)i.Attribute("Namespace")!).ToList();
        Assert.Contains(Capabilities, included);
        Assert.Contains("Org.OData.Core.V1", included);
        var term = xml.Descendants(Edm + "Term").Single(t => $"{t.Parent!.Attribute("Namespace")!.Value}.{t.Attribute("Name")!.Value}" == EdmModelFactory.PageSizeTerm);
        Assert.Equal("Edm.Int32", (string)term.Attribute("Type")!);
    }

    // The annotations of one entity set, their terms written out in full (the document may use the vocabularies' aliases).
    private async Task<Dictionary<string, XElement>> AnnotationsOf(string set)
    {
        var xml = XDocument.Parse(await app.CreateClient().GetStringAsync("/odata/$metadata"));
        var aliases = xml.Root!.Elements(Edmx + "Reference").SelectMany(r => r.Elements(Edmx + "Include"))
            .Where(i => i.Attribute("Alias") is not null).ToDictionary(i => (string)i.Attribute("Alias")!, i => (string)i.Attribute("Namespace")!);
        var entitySet = xml.Descendants(Edm + "EntitySet").Single(s => (string)s.Attribute("Name")! == set);
        return entitySet.Elements(Edm + "Annotation").ToDictionary(a => Qualified((string)a.Attribute("Term")!, aliases));
    }

    private static string Qualified(string term, Dictionary<string, string> aliases)
    {
        var dot = term.LastIndexOf('.');
        return aliases.TryGetValue(term[..dot], out var ns) ? $"{ns}{term[dot..]}" : term;
    }

    private static string? Tag(Dictionary<string, XElement> annotations, string term)
    {
        Assert.True(annotations.TryGetValue(term, out var annotation), $"no {term}");
        return (string?)annotation.Attribute("Bool") ?? (string?)annotation.Attribute("Int");
    }

    private static string? Property(Dictionary<string, XElement> annotations, string term, string property)
    {
        Assert.True(annotations.TryGetValue(term, out var annotation), $"no {term}");
        var value = annotation.Element(Edm + "Record")?.Elements(Edm + "PropertyValue").SingleOrDefault(p => (string)p.Attribute("Property")! == property);
        Assert.True(value is not null, $"{term} has no {property}");
        return (string?)value.Attribute("Bool") ?? (string?)value.Attribute("Int");
    }
}
