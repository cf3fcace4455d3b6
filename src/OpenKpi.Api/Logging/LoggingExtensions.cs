using System.Text.Encodings.Web;

namespace OpenKpi.Api.Logging;

public static class LoggingExtensions
{
    /// <summary>Structured logs, one JSON object a line; every line of a request carries its RequestId scope, which error bodies echo.</summary>
    public static ILoggingBuilder AddKpiJsonLogs(this ILoggingBuilder logging) =>
        logging.ClearProviders().AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.JsonWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
}
