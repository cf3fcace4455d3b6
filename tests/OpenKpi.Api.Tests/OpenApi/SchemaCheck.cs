using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenKpi.Api.Tests.OpenApi;

/// <summary>
/// Checks a JSON value against an OpenAPI 3.0 schema of the document: type, nullable, enum, required and
/// declared properties (OData annotations, named with '@', aside), following $ref and allOf.
/// Returns what does not fit, each with the JSON path where it was found.
/// </summary>
public sealed class SchemaCheck(JsonNode document)
{
    public List<string> Errors { get; } = [];

    public void Check(JsonNode? value, JsonNode schema, string where)
    {
        if (Errors.Count >= 20) return;
        if (schema["$ref"] is { } reference)
        {
            Check(value, Resolve((string)reference!), where);
            return;
        }
        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true) Errors.Add($"{where} is null; its schema does not allow null");
            return;
        }
        foreach (var part in schema["allOf"]?.AsArray() ?? []) Check(value, part!, where);
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            Errors.Add($"{where} is {value.ToJsonString()}, not one of the schema's enum");

        switch ((string?)schema["type"])
        {
            case "string" when value.GetValueKind() != JsonValueKind.String:
            case "boolean" when value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False):
            case "number" when value.GetValueKind() != JsonValueKind.Number:
            case "integer" when value.GetValueKind() != JsonValueKind.Number || !long.TryParse(value.ToJsonString(), out _):
                Errors.Add($"{where} is {value.ToJsonString()}, not of type {(string?)schema["type"]}");
                break;
            case "array" when value is not JsonArray:
                Errors.Add($"{where} is not an array");
                break;
            case "array":
                var index = 0;
                foreach (var item in value.AsArray()) Check(item, schema["items"]!, $"{where}[{index++}]");
                break;
            case "object" when value is not JsonObject:
                Errors.Add($"{where} is not an object");
                break;
        }
        if (schema["properties"] is JsonObject properties)
        {
            if (value is not JsonObject entity)
            {
                Errors.Add($"{where} is not an object");
                return;
            }
            foreach (var required in schema["required"]?.AsArray() ?? [])
                if (!entity.ContainsKey((string)required!)) Errors.Add($"{where} lacks the required {(string)required!}");
            foreach (var (name, member) in entity)
            {
                if (properties[name] is { } declared) Check(member, declared, $"{where}.{name}");
                else if (!name.Contains('@')) Errors.Add($"{where}.{name} is not declared in its schema");
            }
        }
    }

    private JsonNode Resolve(string reference) =>
        reference.StartsWith("#/components/schemas/", StringComparison.Ordinal)
            ? document["components"]!["schemas"]![reference["#/components/schemas/".Length..]] ?? throw new InvalidOperationException($"{reference} is not in the document")
            : throw new InvalidOperationException($"{reference} is not a local schema");
}
