using System.Collections;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Tests.OData;

/// <summary>A navigation reaches the entity its set serves, with that entity's own links (not a copy without them).</summary>
[Collection(KpiCollection.Name)]
public sealed class NavigationTargetTests(KpiApplication app)
{
    private static readonly IEdmModel Model = EdmModelFactory.Build();

    /// <summary>Every single-valued navigation of every entity set, with the set its target belongs to.</summary>
    public static TheoryData<string, string> SingleValuedNavigations()
    {
        var data = new TheoryData<string, string>();
        foreach (var set in Model.EntityContainer.EntitySets())
            foreach (var navigation in set.EntityType.NavigationProperties().Where(n => !n.Type.IsCollection()))
                data.Add(set.Name, navigation.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(SingleValuedNavigations))]
    public async Task ANavigationToNothingAnswers204AndToSomethingItsEntity(string set, string navigation)
    {
        var (rows, _) = await app.GetAllPages($"/odata/{set}?$select=Id&$expand={navigation}($select=Id)");
        var client = app.CreateClient();
        // Every row whose navigation is null, and the first whose navigation holds something.
        foreach (var row in rows.Where(r => r[navigation] is null).Concat(rows.Where(r => r[navigation] is not null).Take(1)))
        {
            var url = $"/odata/{set}('{Uri.EscapeDataString((string)row["Id"]!)}')/{navigation}";
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (row[navigation] is JsonObject related)
            {
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
                Assert.Equal((string)related["Id"]!, (string)JsonNode.Parse(body)!["Id"]!);
            }
            else
            {
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.NoContent, $"{url} (no {navigation} in the data): {(int)response.StatusCode} {body}");
                Assert.Empty(body);
            }
        }
        using var missing = await client.GetAsync($"/odata/{set}('no-such-key')/{navigation}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AGroupsParentHasItsIndicators()
    {
        var groupsWithIndicators = SeedFiles.Records("indicators.json").Select(i => (string)i["groupId"]!).ToHashSet();
        var expected = SeedFiles.Records("groups.json").Count(g => (string?)g["parentId"] is { } parent && groupsWithIndicators.Contains(parent));
        Assert.True(expected > 0, "the seeds have no group whose parent has indicators: the test would prove nothing");

        using var response = await app.CreateClient().GetAsync("/odata/Groups/$count?$filter=Parent/Indicators/any()");

        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(SingleValuedNavigations))]
    public async Task ASingleValuedNavigationReachesTheEntityItsSetServesWithItsOwnNavigations(string set, string navigation)
    {
        var target = (IEdmEntityType)Model.EntityContainer.FindEntitySet(set).EntityType.FindProperty(navigation).Type.Definition;
        var targetSet = Model.EntityContainer.EntitySets().Single(s => s.EntityType == target).Name;
        var collections = target.NavigationProperties().Where(n => n.Type.IsCollection()).Select(n => n.Name).ToList();
        // One collection at a time: all of them at once is past the answer's entity limit.
        foreach (var expand in collections.Count == 0 ? [(string?)null] : collections.Select(c => (string?)$"{c}($select=Id)"))
        {
            var inner = expand is null ? "" : $"($expand={expand})";
            var (served, _) = await app.GetAllPages($"/odata/{targetSet}" + (expand is null ? "" : $"?$expand={expand}"));
            var byId = served.ToDictionary(e => (string)e["Id"]!);
            var (rows, _) = await app.GetAllPages($"/odata/{set}?$select=Id&$expand={navigation}{inner}");

            var reached = rows.Select(r => r[navigation]).OfType<JsonObject>().ToList();
            foreach (var entity in reached)
                Assert.True(JsonNode.DeepEquals(byId[(string)entity["Id"]!], entity),
                    $"{set}/{navigation} with {expand ?? "no expansion"} reached {entity.ToJsonString()}, but {targetSet} serves {byId[(string)entity["Id"]!].ToJsonString()}");
        }
    }

    [Fact]
    public void EveryNavigationOfTheSnapshotIsTheInstanceItsSetHolds()
    {
        var catalogue = app.Services.GetRequiredService<CatalogueSnapshot>();
        var checkedLinks = 0;
        foreach (var set in Model.EntityContainer.EntitySets())
        {
            var type = set.EntityType.ClrTypeOf();
            foreach (var navigation in set.EntityType.NavigationProperties())
            {
                var property = type.GetProperty(navigation.Name)!;
                var targetType = ((IEdmEntityType)navigation.ToEntityType()).ClrTypeOf();
                var instances = catalogue.EntitiesOf(targetType).Cast<object>().ToDictionary(Id);
                foreach (var entity in catalogue.EntitiesOf(type))
                {
                    var value = property.GetValue(entity);
                    var reached = value is IEnumerable many ? many.Cast<object>() : value is null ? [] : [value];
                    foreach (var linked in reached)
                    {
                        Assert.Same(instances[Id(linked)], linked);
                        checkedLinks++;
                    }
                }
            }
        }
        Assert.True(checkedLinks > 0);
    }

    private static string Id(object entity) => (string)entity.GetType().GetProperty("Id")!.GetValue(entity)!;
}
