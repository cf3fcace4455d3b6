using System.Net;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.OpenApi;

[Collection(KpiCollection.Name)]
public sealed class OpenApiDocumentTests(KpiApplication app)
{
    /// <summary>Set OPENKPI_UPDATE_OPENAPI=1 to rewrite openapi/v1.json from the running API (the README's regeneration command).</summary>
    [Fact]
    public async Task TheCommittedDocumentIsWhatTheApiServes()
    {
        var served = await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json");
        var normalised = JsonNode.Parse(served)!.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }) + "\n";

        if (Environment.GetEnvironmentVariable("OPENKPI_UPDATE_OPENAPI") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(RepositoryPaths.OpenApiDocument)!);
            await File.WriteAllTextAsync(RepositoryPaths.OpenApiDocument, normalised);
        }

        Assert.True(File.Exists(RepositoryPaths.OpenApiDocument), "openapi/v1.json is missing: regenerate it (see README)");
        Assert.True(normalised == await File.ReadAllTextAsync(RepositoryPaths.OpenApiDocument),
            "openapi/v1.json differs from what the API serves: regenerate it (see README)");
    }

    [Fact]
    public async Task EveryEntitySetOperationDocumentsItsQueryOptions()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;
        var paths = document["paths"]!.AsObject();

        foreach (var set in EntitySetNames())
        {
            var operation = paths[$"/odata/{set}"]?["get"];
            Assert.True(operation is not null, $"/odata/{set} is not documented");
            var parameters = operation!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToHashSet();
            Assert.Superset(new HashSet<string> { "$filter", "$select", "$expand", "$orderby", "$top", "$skip", "$count", "api-version" }, parameters);
            Assert.NotNull(paths[$"/odata/{set}('{{key}}')"]?["get"]);
        }
        Assert.DoesNotContain(paths, p => p.Key.Contains("$metadata") || p.Key.StartsWith("/odata/v1"));
        Assert.NotNull(paths["/odata/Indicators('{key}')/Targets"]?["get"]);
    }

    [Fact]
    public async Task OperationIdsAreUnique()
    {
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;

        var ids = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => (string)o.Value!["operationId"]!)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        using var response = await app.CreateClient().GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }

    private static IEnumerable<string> EntitySetNames() =>
        ["Provinces", "Documents", "Groups", "Units", "Frequencies", "Agencies", "Indicators", "Targets", "CatalogueEntries"];
}
