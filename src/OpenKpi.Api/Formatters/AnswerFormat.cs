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

    private static readonly AnswerFormat Library = new(Kind.Json, plannedJson: null, odataV40: false);

    private AnswerFormat(Kind format, Metadata? plannedJson, bool odataV40, bool fullMetadata = false, string? plannedType = null)
    {
        Format = format;
        PlannedJson = plannedJson;
        PlannedContentType = plannedJson is null ? null : plannedType ?? plannedJson switch { Metadata.None => NoMetadataType, Metadata.Full => FullMetadataType, _ => MinimalType };
        ODataV40 = odataV40;
        FullMetadata = fullMetadata;
    }

    /// <summary>JSON (the OData library's), CSV or XLSX.</summary>
    public Kind Format { get; }

    /// <summary>
    /// The metadata level when the answer is certainly OData 4.0 JSON with minimal metadata (the library's default) or none:
    /// a $format, or else an Accept, that names nothing but that JSON (no Accept at all is minimal), and <see cref="ODataV40"/>.
    /// Only then may a plan write JSON itself: any other JSON (full metadata, other parameters, versions) is the library's.
    /// </summary>
    public Metadata? PlannedJson { get; }

    /// <summary>The Content-Type the library gives that JSON: of the negotiated type, or as it rewrites a $format's.</summary>
    public string? PlannedContentType { get; }

    private const string MinimalType = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";
    private const string NoMetadataType = "application/json; odata.metadata=none; odata.streaming=true; charset=utf-8";
    private const string FullMetadataType = "application/json; odata.metadata=full; odata.streaming=true; charset=utf-8";

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
            return FormatLevel(format.ToString()) is var (level, type) && v40 ? new(Kind.Json, level, v40, full, type) : new(Kind.Json, plannedJson: null, v40, full);
        if (accepts.Any(a => a.MediaType.Equals(XlsxEntityWriter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Xlsx, plannedJson: null, v40);
        if (accepts.Any(a => a.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase))) return new(Kind.Csv, plannedJson: null, v40);
        return new(Kind.Json, v40 ? AcceptedLevel(request) : null, v40, full);
    }

    // The types that name the library's JSON at a level a plan writes (their parameters in this order, without spaces), and
    // the Content-Type the library answers a $format of each with (it is not the negotiated one).
    private static readonly Dictionary<string, (Metadata Level, string FormatType)> PlannedTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/json"] = (Metadata.Minimal, "application/json; charset=utf-8; odata.metadata=minimal"),
        ["application/json;odata.metadata=minimal"] = (Metadata.Minimal, "application/json; odata.metadata=minimal; charset=utf-8"),
        ["application/json;odata.metadata=minimal;odata.streaming=true"] = (Metadata.Minimal, MinimalType),
        ["application/json;odata.metadata=none"] = (Metadata.None, "application/json; odata.metadata=none; charset=utf-8"),
        ["application/json;odata.metadata=none;odata.streaming=true"] = (Metadata.None, NoMetadataType),
        ["application/json;odata.metadata=full"] = (Metadata.Full, "application/json; odata.metadata=full; charset=utf-8"),
        ["application/json;odata.metadata=full;odata.streaming=true"] = (Metadata.Full, FullMetadataType),
    };

    // What a client may accept, besides those, for the library's minimal JSON to be the type content negotiation picks.
    private static readonly HashSet<string> Wildcards = new(StringComparer.OrdinalIgnoreCase) { "*/*", "application/*" };

    // The level of an Accept whose every type, its q-value aside, names the same level (a wildcard is minimal; no Accept
    // at all too); a type refused with q=0, or levels mixed, leave the answer to the library's negotiation.
    private static Metadata? AcceptedLevel(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0) return Metadata.Minimal;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)) return null;
        Metadata? level = null;
        foreach (var accept in accepts)
        {
            if (accept.Quality is 0) return null;
            var name = NameOf(accept, withoutQuality: true);
            Metadata named;
            if (Wildcards.Contains(name)) named = Metadata.Minimal;
            else if (PlannedTypes.TryGetValue(name, out var planned)) named = planned.Level;
            else return null;
            if (level is { } other && other != named) return null;
            level = named;
        }
        return level;
    }

    // The level of a $format that is "json" (the library's name for its default type, in lower case only) or one of those
    // types exactly, with the Content-Type the library answers it with.
    private static (Metadata, string)? FormatLevel(string format)
    {
        if (format == "json") format = "application/json";
        return Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(format, out var type) && PlannedTypes.TryGetValue(NameOf(type, withoutQuality: false), out var planned)
            ? planned : null;
    }

    private static string NameOf(Microsoft.Net.Http.Headers.MediaTypeHeaderValue type, bool withoutQuality) =>
        string.Join(";", type.Parameters.Where(p => !withoutQuality || !p.Name.Equals("q", StringComparison.OrdinalIgnoreCase))
            .Select(p => $"{p.Name}={p.Value}").Prepend(type.MediaType.ToString()));

    private static bool AnswersODataV40(HttpRequest request)
    {
        foreach (var header in (string[])["OData-MaxVersion", "OData-MinVersion", "OData-Version"])
            if (request.Headers.TryGetValue(header, out var value) && value.ToString().Trim() != "4.0") return false;
        return true;
    }
}
