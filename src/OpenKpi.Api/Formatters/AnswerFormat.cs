namespace OpenKpi.Api.Formatters;

/// <summary>
/// What an /odata answer is written as, decided once per request by <see cref="CsvFormatExtensions.UseFormatOption"/> from
/// $format and Accept (with its q-values) and kept as a request feature: the query attribute, its plan and the writers read
/// this one decision, none re-derives it from the headers.
/// </summary>
public sealed class AnswerFormat
{
    public enum Kind { Json, Csv, Xlsx }

    /// <summary>The metadata levels of OData 4.0 JSON a plan writes as the library does.</summary>
    public enum Metadata { Minimal, None, Full }

    private static readonly AnswerFormat Library = new(Kind.Json, planned: null, odataV40: false);

    private AnswerFormat(Kind format, (Metadata Level, string ContentType)? planned, bool odataV40, bool fullMetadata = false)
    {
        Format = format;
        PlannedJson = planned?.Level;
        PlannedContentType = planned?.ContentType;
        ODataV40 = odataV40;
        FullMetadata = fullMetadata;
    }

    /// <summary>JSON (the OData library's), CSV or XLSX.</summary>
    public Kind Format { get; }

    /// <summary>
    /// The metadata level (minimal, the library's default, none or full) when the answer is certainly the library's OData 4.0
    /// JSON at that level: a $format, or else an Accept, that names nothing but it (no Accept at all is minimal), and
    /// <see cref="ODataV40"/>. Only then may a plan write JSON itself: any other JSON (other parameters, versions) is the library's.
    /// </summary>
    public Metadata? PlannedJson { get; }

    /// <summary>The Content-Type the library gives that JSON: of the negotiated type, or as it rewrites a $format's.</summary>
    public string? PlannedContentType { get; }


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
        if (request.Query.TryGetValue("$format", out var format))
            return new(Kind.Json, v40 ? FormatLevel(format.ToString()) : null, v40, full);
        if (accepts.Any(a => a.MediaType.Equals(XlsxEntityWriter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Xlsx, planned: null, v40);
        if (accepts.Any(a => a.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Csv, planned: null, v40);
        return new(Kind.Json, v40 ? AcceptedLevel(request) : null, v40, full);
    }

    // The library's JSON named by a media type: application/json with at most odata.metadata (minimal, none, full) and
    // odata.streaming (true, false), each once, and a q-value where allowed; their values as written (null when absent).
    private static (Metadata Level, string? Metadata, string? Streaming)? JsonType(Microsoft.Net.Http.Headers.MediaTypeHeaderValue type, bool quality)
    {
        if (!type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return null;
        string? metadata = null, streaming = null;
        foreach (var parameter in type.Parameters)
        {
            var value = parameter.Value.ToString().ToLowerInvariant();
            if (parameter.Name.Equals("odata.metadata", StringComparison.OrdinalIgnoreCase) && metadata is null && value is "minimal" or "none" or "full") metadata = value;
            else if (parameter.Name.Equals("odata.streaming", StringComparison.OrdinalIgnoreCase) && streaming is null && value is "true" or "false") streaming = value;
            else if (!(quality && parameter.Name.Equals("q", StringComparison.OrdinalIgnoreCase))) return null;
        }
        var level = metadata switch { "none" => Metadata.None, "full" => Metadata.Full, _ => Metadata.Minimal };
        return (level, metadata, streaming);
    }

    // The Content-Type of the negotiated JSON: its level and streaming named in full.
    private static string NegotiatedType(Metadata level, string? streaming) =>
        $"application/json; odata.metadata={level.ToString().ToLowerInvariant()}; odata.streaming={streaming ?? "true"}; charset=utf-8";

    // The level of an Accept whose every type, its q-value aside, names the same JSON (a wildcard, or no Accept at all, is
    // the library's default), with its Content-Type; a type refused with q=0, another type, or two JSONs leave the answer to
    // the library's negotiation.
    private static (Metadata, string)? AcceptedLevel(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0) return (Metadata.Minimal, NegotiatedType(Metadata.Minimal, null));
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)) return null;
        (Metadata, string)? chosen = null;
        foreach (var accept in accepts)
        {
            if (accept.Quality is 0) return null;
            (Metadata, string) named;
            if ((accept.MediaType.Equals("*/*", StringComparison.Ordinal) || accept.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase))
                && accept.Parameters.All(p => p.Name.Equals("q", StringComparison.OrdinalIgnoreCase)))
                named = (Metadata.Minimal, NegotiatedType(Metadata.Minimal, null));
            else if (JsonType(accept, quality: true) is var (level, _, streaming)) named = (level, NegotiatedType(level, streaming));
            else return null;
            if (chosen is { } other && other != named) return null;
            chosen = named;
        }
        return chosen;
    }

    // The level of a $format that is "json" (the library's name for its default type, in lower case only) or that JSON, with
    // the Content-Type the library answers it with: the parameters given, metadata first, then the charset, then the default
    // metadata when none was given ("application/json; charset=utf-8; odata.metadata=minimal").
    private static (Metadata, string)? FormatLevel(string format)
    {
        if (format == "json") format = "application/json";
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(format, out var type) || JsonType(type, quality: false) is not var (level, metadata, streaming)) return null;
        return (level, "application/json" + (metadata is null ? "" : "; odata.metadata=" + metadata) + (streaming is null ? "" : "; odata.streaming=" + streaming)
            + "; charset=utf-8" + (metadata is null ? "; odata.metadata=minimal" : ""));
    }

    private static bool AnswersODataV40(HttpRequest request)
    {
        foreach (var header in (string[])["OData-MaxVersion", "OData-MinVersion", "OData-Version"])
            if (request.Headers.TryGetValue(header, out var value) && value.ToString().Trim() != "4.0") return false;
        return true;
    }
}
