using System.Buffers.Text;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OData.UriParser;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// Writes the answer to /$count (a number as text/plain, whatever the Accept header asks, as the OData library
/// answers it) without the library's raw-value writer, which buffered each of these few bytes in a new 80 KB
/// array: at national scale that was the largest single source of garbage in the query mix.
/// </summary>
public sealed class CountFormatter : OutputFormatter
{
    private const string ContentType = "text/plain; charset=utf-8";

    public CountFormatter() => SupportedMediaTypes.Add("text/plain");

    public override bool CanWriteResult(OutputFormatterCanWriteContext context)
    {
        var http = context.HttpContext;
        if (context.Object is not (long or int)) return false;
        if (!http.RequestServices.GetRequiredService<IOptions<FastPathOptions>>().Value.Enabled) return false;
        if (http.ODataFeature().Path?.LastSegment is not CountSegment || !AnswerFormat.Of(http).ODataV40) return false;
        context.ContentType = ContentType;
        return true;
    }

    public override void WriteResponseHeaders(OutputFormatterWriteContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = ContentType;
        response.Headers["OData-Version"] = "4.0";
    }

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context)
    {
        var count = Convert.ToInt64(context.Object, System.Globalization.CultureInfo.InvariantCulture);
        var digits = new byte[20];
        Utf8Formatter.TryFormat(count, digits, out var length);
        await context.HttpContext.Response.Body.WriteAsync(digits.AsMemory(0, length), context.HttpContext.RequestAborted);
    }
}
