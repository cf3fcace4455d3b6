using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.OData;

namespace OpenKpi.Api.Tests.OpenApi;

/// <summary>What a reader of the OpenAPI document gets: every operation sent as Swagger UI's "Try it out" sends it, and the answers against the schemas.</summary>
[Collection(KpiCollection.Name)]
public sealed class TryItOutTests(KpiApplication app)
{
    public static TheoryData<string> Operations() =>
        [.. JsonNode.Parse(File.ReadAllText(RepositoryPaths.OpenApiDocument))!["paths"]!.AsObject().Select(p => p.Key)];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EveryOperationExecutedWithItsPrefilledValuesAnswers200WithABodyItsSchemaAllows(string path)
    {
        var document = await ServedDocument();
        var operation = document["paths"]![path]!["get"]!;
        var ok = operation["responses"]!["200"]!["content"]!.AsObject().First();

        using var request = new HttpRequestMessage(HttpMethod.Get, SwaggerUiUrl(path, operation));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ok.Key));
        using var response = await app.CreateClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{request.RequestUri} answered {(int)response.StatusCode}: {body}");
        var check = new SchemaCheck(document);
        check.Check(ok.Key == "text/plain" ? JsonValue.Create(long.Parse(body, System.Globalization.CultureInfo.InvariantCulture)) : JsonNode.Parse(body), ok.Value!["schema"]!, "$");
        Assert.True(check.Errors.Count == 0, $"{request.RequestUri}: {string.Join("; ", check.Errors)}");
        // Examples that select nothing would prove little: the collections' examples find rows.
        if (JsonNode.Parse(body) is JsonObject { } answer && answer["value"] is JsonArray rows) Assert.NotEmpty(rows);
    }

    [Theory]
    [MemberData(nameof(EntitySets))]
    public async Task EveryRowWithEverySingleValuedNavigationExpandedFitsItsSchema(string set)
    {
        var document = await ServedDocument();
        var schemas = document["components"]!["schemas"]!;
        var single = SchemaOf(document, set)["properties"]!.AsObject()
            .Where(p => (string?)(p.Value!["$ref"] ?? p.Value["allOf"]?[0]?["$ref"]) is { } reference && schemas[reference.Split('/')[^1]]!["properties"] is not null)
            .Select(p => p.Key).ToList();
        var schema = document["paths"]![$"/odata/{set}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        var check = new SchemaCheck(document);
        var rows = 0;
        for (string? next = $"/odata/{set}" + (single.Count > 0 ? "?$expand=" + string.Join(',', single) : ""); next is not null;)
        {
            var page = JsonNode.Parse(await app.CreateClient().GetStringAsync(next))!;
            check.Check(page, schema, next);
            rows += page["value"]!.AsArray().Count;
            next = (string?)page["@odata.nextLink"];
        }

        Assert.True(check.Errors.Count == 0, string.Join("; ", check.Errors));
        Assert.Equal(EntitySetTests.SetsAndSeedCounts().Single(s => (string)s[0] == set)[1], rows);
    }

    public static TheoryData<string> EntitySets() => [.. EntitySetTests.SetsAndSeedCounts().Select(s => (string)s[0])];

    // Path parameters substituted into the template and every query parameter with an example, each escaped as Swagger UI escapes them.
    private static string SwaggerUiUrl(string path, JsonNode operation)
    {
        var query = new List<string>();
        foreach (var parameter in operation["parameters"]!.AsArray())
        {
            var name = (string)parameter!["name"]!;
            var example = parameter["example"] ?? parameter["schema"]?["default"];
            if ((string?)parameter["in"] == "path")
            {
                Assert.True(example is not null, $"{path}: the path parameter {name} has no example");
                path = path.Replace($"{{{name}}}", Uri.EscapeDataString(Text(example!)), StringComparison.Ordinal);
            }
            else if (example is not null) query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(Text(example))}");
        }
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    private static string Text(JsonNode value) => value.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)value! : value.ToJsonString();

    private static JsonNode SchemaOf(JsonNode document, string set) =>
        document["paths"]![$"/odata/{set}"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["properties"]!["value"]!["items"]!["$ref"] is { } reference
            ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!
            : throw new InvalidOperationException($"/odata/{set} answers no entity schema");

    private async Task<JsonNode> ServedDocument() => JsonNode.Parse(await app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"))!;
}
