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

    /// <summary>Where the query attribute leaves the columns of a plain $select whose projection it skipped.</summary>
    public const string ColumnsKey = "OpenKpi.CsvColumns";

    public CsvOutputFormatter()
    {
        SupportedMediaTypes.Add(MediaType);
        SupportedEncodings.Add(new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    protected override bool CanWriteType(Type? type) => type is not null && type != typeof(string) && !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type);

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        var response = context.HttpContext.Response;
        var set = context.HttpContext.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "data";
        var version = context.HttpContext.RequestServices.GetService<CatalogueSnapshot>()?.Dataset.Version ?? "current";
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"openkpi-{FileName(set)}-{version}.csv",
        }.ToString();

        var aborted = context.HttpContext.RequestAborted;
        if (CsvEntityWriter.For(context.Object, context.HttpContext.Items[ColumnsKey] as IReadOnlyList<string>) is { } entities)
        {
            await entities.WriteAsync(response.Body, preamble: true, aborted);
            return;
        }
        // $select/$expand projections: the writer puts the BOM first and sends its buffer out in pieces (the body takes no synchronous writes).
        await using var text = new StreamWriter(response.Body, selectedEncoding, bufferSize: 16 * 1024, leaveOpen: true);
        foreach (var chunk in CsvTable.Chunks(CsvTable.Lines(CsvTable.Rows(context.Object).ToList()))) await text.WriteAsync(chunk.AsMemory(), aborted);
        await text.FlushAsync(aborted);
    }

    private static string FileName(string segment)
    {
        var name = new string(segment.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '(' or ')').ToArray());
        return name.Replace('(', '-').Replace(")", "", StringComparison.Ordinal).ToLowerInvariant() is { Length: > 0 } n ? n : "data";
    }
}
