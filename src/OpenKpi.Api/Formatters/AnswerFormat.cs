namespace OpenKpi.Api.Formatters;

/// <summary>
/// What an /odata answer is written as, decided once per request by <see cref="CsvFormatExtensions.UseFormatOption"/> from
/// $format and Accept (with its q-values) and kept as a request feature: the query attribute, its plan and the writers read
/// this one decision, none re-derives it from the headers.
/// </summary>
public sealed class AnswerFormat
{
    public enum Kind { Json, Csv, Xlsx }

    private static readonly AnswerFormat Library = new(Kind.Json, minimalJson: false, odataV40: false);

    private AnswerFormat(Kind format, bool minimalJson, bool odataV40, bool fullMetadata = false)
    {
        Format = format;
        MinimalJson = minimalJson;
        ODataV40 = odataV40;
        FullMetadata = fullMetadata;
    }

    /// <summary>JSON (the OData library's), CSV or XLSX.</summary>
    public Kind Format { get; }

    /// <summary>
    /// Whether the answer is certainly OData 4.0 JSON with minimal metadata, as the library writes it by default: no $format,
    /// an Accept of nothing but that JSON (or none), and <see cref="ODataV40"/>. Only
    /// then may a plan write JSON itself: any other JSON (other metadata levels, parameters, versions) is the library's.
    /// </summary>
    public bool MinimalJson { get; }

    /// <summary>
    /// Whether the library answers OData 4.0: it answers the version of the request's OData-MaxVersion, else its OData-MinVersion,
    /// else its OData-Version, else 4.0 (4.01 writes "@context", "@nextLink"); taken as 4.0 only when none of them says otherwise.
    /// </summary>
    public bool ODataV40 { get; }

    /// <summary>Whether the JSON may be written with full metadata: odata.metadata=full named in $format or in any type of Accept.</summary>
    public bool FullMetadata { get; }

    /// <summary>CSV or XLSX: a table of every selected row, never a page, with the CSV's columns and limits.</summary>
    public bool IsTable => Format is Kind.Csv or Kind.Xlsx;

    /// <summary>The name a refusal of a table gives its format.</summary>
    public string TableName => Format == Kind.Xlsx ? "XLSX" : "CSV";

    /// <summary>The decision for <paramref name="context"/>: the one made before routing; for a request that met no such decision (outside /odata), the library's JSON.</summary>
    public static AnswerFormat Of(HttpContext context) => context.Features.Get<AnswerFormat>() ?? Library;

    /// <summary>Decides, once UseFormatOption has rewritten the request's Accept to the table type alone where a table is preferred.</summary>
    internal static AnswerFormat Decide(HttpRequest request)
    {
        var accepts = request.GetTypedHeaders().Accept;
        var v40 = AnswersODataV40(request);
        var full = request.Headers.Accept.ToString().Contains("odata.metadata=full", StringComparison.OrdinalIgnoreCase)
            || request.Query["$format"].ToString().Contains("odata.metadata=full", StringComparison.OrdinalIgnoreCase);
        // A $format left after the rewriting is json (or xml, of $metadata), and the library honours it over Accept.
        if (request.Query.ContainsKey("$format")) return new(Kind.Json, minimalJson: false, v40, full);
        if (accepts.Any(a => a.MediaType.Equals(XlsxEntityWriter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Xlsx, minimalJson: false, v40);
        if (accepts.Any(a => a.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Csv, minimalJson: false, v40);
        return new(Kind.Json, v40 && AcceptsOnlyMinimalJson(request), v40, full);
    }

    // What a client may accept for the library's minimal JSON to be the type content negotiation picks (besides no Accept at all).
    private static readonly HashSet<string> MinimalAccepts = new(StringComparer.OrdinalIgnoreCase)
    {
        "*/*", "application/*", "application/json", "application/json;odata.metadata=minimal", "application/json;odata.metadata=minimal;odata.streaming=true",
    };

    // Each type listed, its q-value aside, is one of those; a type refused with q=0 leaves the answer to the library's negotiation.
    private static bool AcceptsOnlyMinimalJson(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0) return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)) return false;
        foreach (var accept in accepts)
        {
            if (accept.Quality is 0) return false;
            var name = string.Join(";", accept.Parameters.Where(p => !p.Name.Equals("q", StringComparison.OrdinalIgnoreCase))
                .Select(p => $"{p.Name}={p.Value}").Prepend(accept.MediaType.ToString()));
            if (!MinimalAccepts.Contains(name)) return false;
        }
        return true;
    }

    private static bool AnswersODataV40(HttpRequest request)
    {
        foreach (var header in (string[])["OData-MaxVersion", "OData-MinVersion", "OData-Version"])
            if (request.Headers.TryGetValue(header, out var value) && value.ToString().Trim() != "4.0") return false;
        return true;
    }
}
