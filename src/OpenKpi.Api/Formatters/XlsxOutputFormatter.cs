using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// XLSX for every entity set and navigation (its Accept type or $format=xlsx): the CSV's table, the same columns from
/// $select/$expand and the same limits, as one sheet of a workbook that keeps each cell's type (<see cref="XlsxEntityWriter"/>).
/// </summary>
public sealed class XlsxOutputFormatter : OutputFormatter
{
    public XlsxOutputFormatter() => SupportedMediaTypes.Add(XlsxEntityWriter.MediaType);

    protected override bool CanWriteType(Type? type) => type is not null && type != typeof(string) && !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(type);

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context)
    {
        var http = context.HttpContext;
        var set = CsvOutputFormatter.SetOf(http.Request);
        var dataset = http.RequestServices.GetRequiredService<CatalogueSnapshot>().Dataset;
        var version = dataset.Version;
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileName = $"openkpi-{CsvOutputFormatter.FileName(set)}-{version}.xlsx",
        }.ToString();

        var selection = http.Items[CsvOutputFormatter.SelectionKey] as Microsoft.OData.UriParser.SelectExpandClause;
        var table = CsvEntityWriter.For(context.Object, selection)
            ?? throw new InvalidOperationException($"No XLSX shape for a {context.Object?.GetType().Name}: the query attribute lets only entities through.");
        await XlsxEntityWriter.WriteAsync(http.Response.Body, [(XlsxEntityWriter.SheetName(set.Split('(')[0]), table)],
            DateTime.SpecifyKind(dataset.ImportedAtUtc, DateTimeKind.Utc), http.RequestAborted);
    }
}
