using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// $metadata as JSON CSDL, chosen by Accept (application/json in any case, with any parameters: odata.metadata, charset…)
/// as by $format=json. The library's own JSON formatter, asked first, narrows the negotiated type to its
/// application/json;odata.metadata=minimal;odata.streaming=true, which its metadata formatter then does not take (406).
/// Written by the library's CsdlWriter, with the facets it leaves out: it writes no $Nullable on navigation properties, and in
/// JSON CSDL an absent $Nullable means false, so every single-valued navigation read as required; nor a variable $Scale.
/// </summary>
public sealed class CsdlJsonFormatter : OutputFormatter
{
    private const string Json = "application/json";

    private static readonly ConditionalWeakTable<IEdmModel, byte[]> Documents = new();

    public CsdlJsonFormatter() => SupportedMediaTypes.Add(Json);

    protected override bool CanWriteType(Type? type) => type is not null && typeof(IEdmModel).IsAssignableFrom(type);

    public override bool CanWriteResult(OutputFormatterCanWriteContext context)
    {
        if (!CanWriteType(context.ObjectType ?? context.Object?.GetType())) return false;
        var format = context.HttpContext.Request.Query["$format"].ToString();
        var asked = format.Length > 0 ? (format.Equals("json", StringComparison.OrdinalIgnoreCase) ? Json : format) : context.ContentType.Value;
        if (asked is null || !new MediaType(asked).IsSubsetOf(new MediaType(Json))) return false;
        context.ContentType = Json + "; charset=utf-8";
        return true;
    }

    public override Task WriteResponseBodyAsync(OutputFormatterWriteContext context)
    {
        var document = Documents.GetValue((IEdmModel)context.Object!, Write);
        context.HttpContext.Response.Headers["OData-Version"] = "4.0";
        return context.HttpContext.Response.Body.WriteAsync(document).AsTask();
    }

    private static byte[] Write(IEdmModel model)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (!CsdlWriter.TryWriteCsdl(model, writer, out var errors))
                throw new InvalidOperationException("The EDM model cannot be written as JSON CSDL: " + string.Join("; ", errors.Select(e => e.ErrorMessage)));
        }
        var csdl = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        foreach (var type in model.SchemaElements.OfType<IEdmStructuredType>())
        {
            if (csdl[((IEdmSchemaElement)type).Namespace]?[((IEdmSchemaElement)type).Name] is not JsonObject members) continue;
            foreach (var navigation in type.DeclaredNavigationProperties().Where(n => !n.Type.IsCollection() && n.Type.IsNullable))
                if (members[navigation.Name] is JsonObject member) member["$Nullable"] = true;
            // The XML states Scale="variable"; the JSON writer leaves it out, and readers disagree on what its absence means (0 or variable).
            foreach (var property in type.DeclaredStructuralProperties().Where(p => ElementOf(p.Type) is IEdmDecimalTypeReference { Scale: null }))
                if (members[property.Name] is JsonObject member) member["$Scale"] = "variable";
        }
        return JsonSerializer.SerializeToUtf8Bytes(csdl);
    }

    private static IEdmTypeReference ElementOf(IEdmTypeReference type) => type.IsCollection() ? type.AsCollection().ElementType() : type;
}
