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

    /// <summary>Where the query attribute leaves the $select/$expand whose projection it skipped: the writer reads the entities.</summary>
    public const string SelectionKey = "OpenKpi.CsvSelection";

    public CsvOutputFormatter()
    {
        SupportedMediaTypes.Add(MediaType);
        SupportedEncodings.Add(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    // The model and the service document are no table: CSV of them answers 406.
    protected override bool CanWriteType(Type? type) => type is not null && type != typeof(string) && !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type)
        && !typeof(Microsoft.OData.Edm.IEdmModel).IsAssignableFrom(type) && type != typeof(Microsoft.OData.ODataServiceDocument);

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        var response = context.HttpContext.Response;
        var set = SetOf(context.HttpContext.Request);
        var version = context.HttpContext.RequestServices.GetService<CatalogueSnapshot>()?.Dataset.Version ?? "current";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"openkpi-{FileName(set)}-{version}.csv",
        }.ToString();

        var selection = context.HttpContext.Items[SelectionKey] as Microsoft.OData.UriParser.SelectExpandClause;
        var writer = CsvEntityWriter.For(context.Object, selection)
            ?? throw new InvalidOperationException($"No CSV shape for a {context.Object?.GetType().Name}: the query attribute lets only entities through.");
        await writer.WriteAsync(response.Body, preamble: true, context.HttpContext.RequestAborted);
    }

    /// <summary>The last segment of the request's path: the set or navigation the file holds.</summary>
    internal static string SetOf(HttpRequest request) =>
        request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "data";

    internal static string FileName(string segment)
    {
        var name = new string(segment.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '(' or ')').ToArray());
        return name.Replace('(', '-').Replace(")", "", StringComparison.Ordinal).ToLowerInvariant() is { Length: > 0 } n ? n : "data";
    }
}
