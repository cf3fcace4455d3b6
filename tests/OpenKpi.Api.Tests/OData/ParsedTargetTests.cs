using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Api.Tests.OData;

[Collection(KpiCollection.Name)]
public sealed class ParsedTargetTests(KpiApplication app)
{
    [Fact]
    public async Task EveryServedTargetsBoundsAgreeWithItsPublishedValue()
    {
        var (targets, _) = await app.GetAllPages("/odata/Targets?$select=Id,RawValue,Comparator,Lower,Upper,ValueQualifier");

        Assert.All(targets, target =>
        {
            var parsed = TargetValueParser.Parse((string?)target["RawValue"]);
            Assert.Equal(parsed.Comparator?.ToString(), (string?)target["Comparator"]);
            Assert.Equal(parsed.Lower, (decimal?)target["Lower"]);
            Assert.Equal(parsed.Upper, (decimal?)target["Upper"]);
            Assert.Equal(parsed.Qualifier, (string?)target["ValueQualifier"]);
        });
    }

    [Fact]
    public async Task DocumentsThatNameNoProvinceServeTargetsWithoutOne()
    {
        var unnamed = SeedFiles.Records("documents.json").Where(d => d["provinceId"] is null).ToList();
        Assert.All(unnamed, d => Assert.False(string.IsNullOrWhiteSpace((string?)d["note"])));

        foreach (var document in unnamed)
        {
            var expected = SeedFiles.TargetRows.Count(r => r.DocumentId == (string)document["id"]!);
            var (rows, _) = await app.GetAllPages($"/odata/Targets?$filter=DocumentId eq '{document["id"]}'&$select=Id,ProvinceId");

            Assert.Equal(expected, rows.Count);
            Assert.All(rows, r => Assert.Null((string?)r["ProvinceId"]));
        }
    }

    [Fact]
    public async Task InheritedAgenciesAreMarkedAndMatchTheParentRow()
    {
        var (rows, _) = await app.GetAllPages("/odata/Targets?$filter=AgencyInherited eq true&$select=Id,ParentId,LeadAgencyIds,PublishedLeadAgency");
        var seeds = SeedFiles.TargetRows.ToDictionary(r => (string)r.Row["id"]!, r => r.Row);

        Assert.Equal(seeds.Values.Count(r => (bool?)r["agencyInherited"] == true), rows.Count);
        foreach (var row in rows.Where(r => r["ParentId"] is JsonValue))
        {
            var parent = seeds[(string)row["ParentId"]!];
            Assert.Null((string?)row["PublishedLeadAgency"]);
            Assert.Equal(parent["leadAgencyIds"]!.AsArray().Select(a => (string)a!), row["LeadAgencyIds"]!.AsArray().Select(a => (string)a!));
        }
    }
}
