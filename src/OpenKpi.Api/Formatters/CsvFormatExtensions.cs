using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OpenKpi.Api.Formatters;

public static class CsvFormatExtensions
{
    /// <summary>True when the request asks for CSV, by Accept or by $format.</summary>
    public static bool WantsCsv(this HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(CsvOutputFormatter.MediaType, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// $format=csv (or text/csv) becomes Accept: text/csv, so one content negotiation serves both;
    /// the OData library knows no csv format and would reject the option itself.
    /// </summary>
    public static WebApplication UseCsvFormatOption(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var query = context.Request.Query;
            if (query.TryGetValue("$format", out var format) && format.ToString() is "csv" or "text/csv")
            {
                context.Request.Headers.Accept = CsvOutputFormatter.MediaType;
                var rest = query.Where(q => q.Key != "$format").ToDictionary(q => q.Key, q => q.Value);
                context.Request.QueryString = QueryString.Create(rest);
            }
            return next(context);
        });
        return app;
    }
}
