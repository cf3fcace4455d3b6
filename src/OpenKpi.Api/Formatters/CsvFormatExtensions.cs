using Microsoft.Net.Http.Headers;

namespace OpenKpi.Api.Formatters;

public static class CsvFormatExtensions
{
    /// <summary>True when the request's answer is CSV (<see cref="AnswerFormat"/>'s decision).</summary>
    public static bool WantsCsv(this HttpRequest request) => AnswerFormat.Of(request.HttpContext).Format == AnswerFormat.Kind.Csv;

    /// <summary>True when the request's answer is XLSX.</summary>
    public static bool WantsXlsx(this HttpRequest request) => AnswerFormat.Of(request.HttpContext).Format == AnswerFormat.Kind.Xlsx;

    /// <summary>True for CSV or XLSX: a table of every selected row, never a page, with the CSV's columns and limits.</summary>
    public static bool WantsTable(this HttpRequest request) => AnswerFormat.Of(request.HttpContext).IsTable;

    /// <summary>The name a refusal of a table gives its format.</summary>
    public static string TableFormat(this HttpRequest request) => AnswerFormat.Of(request.HttpContext).TableName;

    private static readonly HashSet<string> JsonFormats = new(StringComparer.OrdinalIgnoreCase) { "json", "application/json" };

    // $metadata is also XML, its default.
    private static readonly HashSet<string> XmlFormats = new(StringComparer.OrdinalIgnoreCase) { "xml", "application/xml" };

    private static bool IsMetadata(HttpRequest request) => request.Path.Value?.EndsWith("/$metadata", StringComparison.Ordinal) == true;

    /// <summary>
    /// The answer's format is decided once, here, before routing, so that the query (paging, projection) and the writer
    /// agree: $format=csv or xlsx (any case, or their media types) becomes Accept: text/csv or the spreadsheetml type, the
    /// OData library knowing neither; an Accept that lists CSV or XLSX beside JSON is reduced to whichever its q-values
    /// prefer; $format of anything but json, csv or xlsx answers 406. What that leaves is the request's <see cref="AnswerFormat"/>.
    /// </summary>
    public static WebApplication UseFormatOption(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (!Errors.ErrorExtensions.IsOData(context)) return next(context);
            if (request.Query.TryGetValue("$format", out var format))
            {
                var value = format.ToString().Trim();
                var type = value.Split(';', 2)[0].Trim();
                if (TableFormats.GetValueOrDefault(type) is { } table)
                {
                    request.Headers.Accept = table;
                    request.QueryString = QueryString.Create(request.Query.Where(q => q.Key != "$format").ToDictionary(q => q.Key, q => q.Value));
                }
                else if (!(JsonFormats.Contains(type) || XmlFormats.Contains(type) && IsMetadata(request)) || format.Count > 1)
                {
                    return Errors.ErrorExtensions.WriteError(context, StatusCodes.Status406NotAcceptable,
                        $"$format={value} is not offered: use $format=json (OData JSON, with ;odata.metadata=minimal|full|none), $format=csv or $format=xlsx.");
                }
                // $format=json wins over Accept: the library maps some spellings of it ("json") to its JSON and not others
                // ("json;odata.metadata=none"), which left an Accept of text/csv to choose the CSV writer for JSON's rows.
                else if (JsonFormats.Contains(type))
                    request.Headers.Accept = "application/json" + (value.Split(';', 2) is [_, var parameters] ? ";" + parameters.Trim() : "");
            }
            else if (request.Headers.Accept.Count > 0 && MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)
                     && accepts.Any(IsTable))
            {
                // The first of the most preferred types this API writes decides, as MVC's negotiation orders them.
                var chosen = accepts.Where(a => a.Quality is not 0 && (IsTable(a) || IsJson(a)))
                    .Select((a, i) => (Type: a, Order: i)).OrderByDescending(a => a.Type.Quality ?? 1).ThenBy(a => a.Order).Select(a => a.Type).FirstOrDefault();
                if (chosen is not null)
                    request.Headers.Accept = IsTable(chosen) ? TableFormats[chosen.MediaType.Value!]
                        : string.Join(", ", accepts.Where(a => !IsTable(a)).Select(a => a.ToString()));
            }
            context.Features.Set(AnswerFormat.Decide(request));
            return next(context);
        });
        return app;
    }

    // The tables' $format names and media types, each to the media type its formatter writes.
    private static readonly Dictionary<string, string> TableFormats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csv"] = CsvOutputFormatter.MediaType,
        [CsvOutputFormatter.MediaType] = CsvOutputFormatter.MediaType,
        ["xlsx"] = XlsxEntityWriter.MediaType,
        [XlsxEntityWriter.MediaType] = XlsxEntityWriter.MediaType,
    };

    private static bool IsTable(MediaTypeHeaderValue type) => type.MediaType.Value is { } name && name.Contains('/') && TableFormats.ContainsKey(name);

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MatchesAllTypes || type.MatchesAllSubTypes && type.Type.Equals("application", StringComparison.OrdinalIgnoreCase);
}
