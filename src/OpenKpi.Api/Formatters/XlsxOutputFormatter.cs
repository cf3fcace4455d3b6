using Microsoft.AspNetCore.Mvc.Formatters;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// XLSX for every entity set and navigation (its Accept type or $format=xlsx): the CSV's table, the same columns from
/// $select/$expand and the same limits, as one sheet of a workbook that keeps each cell's type (<see cref="XlsxEntityWriter"/>).
/// </summary>
public sealed class XlsxOutputFormatter : OutputFormatter
{
    public XlsxOutputFormatter() => SupportedMediaTypes.Add(XlsxEntityWriter.MediaType);

    protected override bool CanWriteType(Type? type) => CsvOutputFormatter.HoldsTable(type);

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context)
    {
        var http = context.HttpContext;
        var set = CsvOutputFormatter.Attach(http, "xlsx");
        var table = CsvOutputFormatter.TableOf(context, "XLSX");
        var published = http.RequestServices.GetRequiredService<CatalogueSnapshot>().PublishedAt.UtcDateTime;
        await XlsxEntityWriter.WriteAsync(http.Response.Body, [(XlsxEntityWriter.SheetName(set.Split('(')[0]), table)], published, http.RequestAborted);
    }
}
