using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.OData;

/// <summary>$metadata in XML and in JSON: the same model, negotiated by Accept as by $format.</summary>
[Collection(KpiCollection.Name)]
public sealed class MetadataTests(KpiApplication app)
{
    private static readonly XNamespace Edm = "http://docs.oasis-open.org/odata/ns/edm";

    /// <summary>What a CSDL says of one property, read by the defaults of its own format.</summary>
    private sealed record Facets(string Type, bool Collection, bool? Nullable, string? MaxLength, string? Precision, string? Scale);

    [Fact]
    public async Task TheJsonAndTheXmlCsdlStateTheSameFacetsForEveryProperty()
    {
        var xml = await Xml();
        var json = await Json();

        var compared = 0;
        foreach (var type in xml.Descendants(Edm + "EntityType").Concat(xml.Descendants(Edm + "ComplexType")))
        {
            var schema = (string)type.Parent!.Attribute("Namespace")!;
            var members = json[schema]![(string)type.Attribute("Name")!]!.AsObject();
            var xmlProperties = type.Elements().Where(e => e.Name == Edm + "Property" || e.Name == Edm + "NavigationProperty").ToList();
            Assert.Equal(xmlProperties.Select(p => (string)p.Attribute("Name")!).Order(),
                members.Where(m => !m.Key.StartsWith('$') && !m.Key.Contains('@')).Select(m => m.Key).Order());
            foreach (var property in xmlProperties)
            {
                var name = (string)property.Attribute("Name")!;
                Assert.True(FromXml(property) == FromJson(members[name]!.AsObject()),
                    $"{type.Attribute("Name")}/{name}: XML {FromXml(property)}, JSON {FromJson(members[name]!.AsObject())}");
                compared++;
            }
        }
        Assert.Equal(EdmModelFactory.Build().SchemaElements.OfType<IEdmStructuredType>().Sum(t => t.DeclaredProperties.Count()), compared);
    }

    [Fact]
    public async Task EverySingleValuedNavigationThatIsNullInTheDataIsNullableInBothCsdls()
    {
        var xml = await Xml();
        var json = await Json();
        var catalogue = app.Services.GetRequiredService<CatalogueSnapshot>();
        var model = EdmModelFactory.Build();

        var nullSomewhere = 0;
        foreach (var set in model.EntityContainer.EntitySets())
        {
            var clr = set.EntityType.ClrTypeOf();
            foreach (var navigation in set.EntityType.NavigationProperties().Where(n => !n.Type.IsCollection()))
            {
                var property = clr.GetProperty(navigation.Name)!;
                if (!catalogue.EntitiesOf(clr).Cast<object>().Any(e => property.GetValue(e) is null)) continue;
                nullSomewhere++;
                var inXml = xml.Descendants(Edm + "EntityType").Single(t => (string)t.Attribute("Name")! == set.EntityType.Name)
                    .Elements(Edm + "NavigationProperty").Single(p => (string)p.Attribute("Name")! == navigation.Name);
                Assert.True(FromXml(inXml).Nullable, $"XML: {set.Name}/{navigation.Name} is null in the data");
                Assert.True(FromJson(json[EdmModelFactory.Namespace]![set.EntityType.Name]![navigation.Name]!.AsObject()).Nullable,
                    $"JSON: {set.Name}/{navigation.Name} is null in the data");
            }
        }
        Assert.True(nullSomewhere > 0, "the data has null navigations (Target/Province) to check");
    }

    public static TheoryData<string> JsonAccepts() => new()
    {
        "application/json",
        "Application/JSON",
        "application/json;odata.metadata=minimal",
        "application/json; charset=utf-8",
        "application/json;odata.metadata=none;odata.streaming=true;IEEE754Compatible=false",
        "application/xml;q=0.5, application/json",
    };

    [Theory]
    [MemberData(nameof(JsonAccepts))]
    public async Task AnAcceptOfJsonGetsTheJsonCsdlAsFormatJsonDoes(string accept)
    {
        var client = app.CreateClient();
        var byFormat = await client.GetStringAsync("/odata/$metadata?$format=json");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/$metadata");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(byFormat, await response.Content.ReadAsStringAsync());
        Assert.Equal("OpenKpi.Catalogue", (string)JsonNode.Parse(byFormat)!["$EntityContainer"]!);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/xml")]
    [InlineData("*/*")]
    [InlineData("application/json;q=0.5, application/xml")]
    public async Task AnyOtherAcceptOfTheOffersGetsTheXmlCsdl(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/$metadata");
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Edmx", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Name.LocalName);
    }

    [Theory]
    [InlineData("Accept", "text/csv")]
    [InlineData("$format", "csv")]
    [InlineData("Accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    [InlineData("$format", "xlsx")]
    [InlineData("$format", "pdf")]
    public async Task AFormatTheMetadataIsNotWrittenInAnswers406WithAnError(string how, string format)
    {
        await AFormatIsNotWrittenInAnswers406WithAnError("/odata/$metadata", how, format);
        await AFormatIsNotWrittenInAnswers406WithAnError("/odata", how, format);   // the service document is no table either
    }

    private async Task AFormatIsNotWrittenInAnswers406WithAnError(string path, string how, string format)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, how == "Accept" ? path : $"{path}?$format={format}");
        if (how == "Accept") request.Headers.TryAddWithoutValidation("Accept", format);

        using var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("NotAcceptable", (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]!);
    }

    private async Task<XDocument> Xml() => XDocument.Parse(await app.CreateClient().GetStringAsync("/odata/$metadata"));

    private async Task<JsonObject> Json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/odata/$metadata");
        request.Headers.Add("Accept", "application/json");
        using var response = await app.CreateClient().SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    // CSDL XML 4.01: Nullable absent means true (for a collection it speaks of the items; a collection-valued navigation has none).
    private static Facets FromXml(XElement property)
    {
        var type = (string)property.Attribute("Type")!;
        var collection = type.StartsWith("Collection(", StringComparison.Ordinal);
        var navigationCollection = collection && property.Name == Edm + "NavigationProperty";
        return new Facets(collection ? type["Collection(".Length..^1] : type, collection,
            navigationCollection ? null : (string?)property.Attribute("Nullable") is { } n ? bool.Parse(n) : true,
            (string?)property.Attribute("MaxLength"), (string?)property.Attribute("Precision"), (string?)property.Attribute("Scale"));
    }

    // CSDL JSON: $Type absent means Edm.String, $Collection and $Nullable absent mean false.
    private static Facets FromJson(JsonObject property)
    {
        var collection = (bool?)property["$Collection"] ?? false;
        var navigationCollection = collection && (string?)property["$Kind"] == "NavigationProperty";
        return new Facets((string?)property["$Type"] ?? "Edm.String", collection,
            navigationCollection ? null : (bool?)property["$Nullable"] ?? false,
            property["$MaxLength"]?.ToString(), property["$Precision"]?.ToString(), property["$Scale"]?.ToString());
    }
}
