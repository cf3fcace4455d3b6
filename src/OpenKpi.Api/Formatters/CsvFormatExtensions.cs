using Microsoft.Net.Http.Headers;

namespace OpenKpi.Api.Formatters;

public static class CsvFormatExtensions
{
    /// <summary>True when the request asks for CSV: after <see cref="UseFormatOption"/>, its Accept is text/csv alone.</summary>
    public static bool WantsCsv(this HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase));

    private static readonly HashSet<string> JsonFormats = new(StringComparer.OrdinalIgnoreCase) { "json", "application/json" };

    /// <summary>
    /// The answer's format is decided once, here, before routing, so that the query (paging, projection) and the writer
    /// agree: $format=csv (any case, or text/csv) becomes Accept: text/csv, the OData library knowing no csv format; an
    /// Accept that lists CSV beside JSON is reduced to whichever its q-values prefer; $format of anything but json or csv
    /// answers 406.
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
                if (type.Equals("csv", StringComparison.OrdinalIgnoreCase) || type.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Accept = CsvOutputFormatter.MediaType;
                    request.QueryString = QueryString.Create(request.Query.Where(q => q.Key != "$format").ToDictionary(q => q.Key, q => q.Value));
                }
                else if (!JsonFormats.Contains(type) || format.Count > 1)
                {
                    return Errors.ErrorExtensions.WriteError(context, StatusCodes.Status406NotAcceptable,
                        $"$format={value} is not offered: use $format=json (OData JSON, with ;odata.metadata=minimal|full|none) or $format=csv.");
                }
            }
            else if (request.Headers.Accept.Count > 0 && MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepts)
                     && accepts.Any(IsCsv))
            {
                // The first of the most preferred types this API writes decides, as MVC's negotiation orders them.
                var chosen = accepts.Where(a => a.Quality is not 0 && (IsCsv(a) || IsJson(a)))
                    .Select((a, i) => (Type: a, Order: i)).OrderByDescending(a => a.Type.Quality ?? 1).ThenBy(a => a.Order).Select(a => a.Type).FirstOrDefault();
                if (chosen is not null)
                    request.Headers.Accept = IsCsv(chosen) ? CsvOutputFormatter.MediaType
                        : string.Join(", ", accepts.Where(a => !IsCsv(a)).Select(a => a.ToString()));
            }
            return next(context);
        });
        return app;
    }

    private static bool IsCsv(MediaTypeHeaderValue type) => type.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MatchesAllTypes || type.MatchesAllSubTypes && type.Type.Equals("application", StringComparison.OrdinalIgnoreCase);
}
