using System.Text;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// CSV for every entity set and navigation (text/csv or $format=csv): UTF-8 with a BOM so Excel shows
/// Vietnamese, RFC 4180 quoting and CRLF, the columns of $select (all structural properties without it),
/// expanded single-valued navigation flattened into "Indicator/Name" columns.
/// </summary>
public sealed class CsvOutputFormatter : TextOutputFormatter
{
    public const string MediaType = "text/csv";

    public CsvOutputFormatter()
    {
        SupportedMediaTypes.Add(MediaType);
        SupportedEncodings.Add(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    protected override bool CanWriteType(Type? type) => HoldsTable(type);

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        Attach(context.HttpContext, "csv");
        await TableOf(context, "CSV").WriteAsync(context.HttpContext.Response.Body, preamble: true, context.HttpContext.RequestAborted);
    }

    /// <summary>
    /// What a table (CSV or XLSX) is written of: entities. Text, errors, the model and the service document are no
    /// table, so a table of them answers 406.
    /// </summary>
    internal static bool HoldsTable(Type? type) =>
        type is not null && type != typeof(string) && !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type)
        && !typeof(Microsoft.OData.Edm.IEdmModel).IsAssignableFrom(type) && type != typeof(Microsoft.OData.ODataServiceDocument);

    /// <summary>Names the file the table is saved as, openkpi-{set}-{version}.{extension}; returns the set or navigation it holds.</summary>
    internal static string Attach(HttpContext http, string extension)
    {
        var set = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "data";
        var version = http.RequestServices.GetService<CatalogueSnapshot>()?.Dataset.Version ?? "current";
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"openkpi-{FileName(set)}-{version}.{extension}",
        }.ToString();
        return set;
    }

    /// <summary>The table of the answer: a query plan's rows with the columns of their $select/$expand, or whole entities.</summary>
    internal static CsvEntityWriter TableOf(OutputFormatterWriteContext context, string format) =>
        (context.Object is TableRows table ? CsvEntityWriter.For(table.Rows, table.Selection) : CsvEntityWriter.For(context.Object))
        ?? throw new InvalidOperationException($"No {format} shape for a {context.Object?.GetType().Name}: the query attribute lets only entities through.");

    internal static string FileName(string segment)
    {
        var name = new string(segment.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '(' or ')').ToArray());
        return name.Replace('(', '-').Replace(")", "", StringComparison.Ordinal).ToLowerInvariant() is { Length: > 0 } n ? n : "data";
    }
}
