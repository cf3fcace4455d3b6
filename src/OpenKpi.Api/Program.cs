using OpenKpi.Api.Catalogue;
using OpenKpi.Api.Downloads;
using OpenKpi.Api.Errors;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.Health;
using OpenKpi.Api.Http;
using OpenKpi.Api.Index;
using OpenKpi.Api.Logging;
using OpenKpi.Api.OData;
using OpenKpi.Api.OpenApi;
using OpenKpi.Api.Versioning;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddKpiJsonLogs();     // one JSON object a line, each with its request id

// `-- import` rebuilds the database from seeds/, `-- revise` publishes the seeds as a new revision, `-- generate` writes a
// national-scale synthetic dataset for benchmarks; each exits. Everything else serves the API.
if (args is ["import", ..])
    return ImportCommand.Run(builder.Configuration, builder.Environment.ContentRootPath, Console.Out, Console.Error);
if (args is ["revise", ..])
    return ReviseCommand.Run(args, builder.Configuration, builder.Environment.ContentRootPath, TimeProvider.System, Console.Out, Console.Error);
if (args is ["generate", ..])
    return GenerateCommand.Run(args, builder.Configuration, builder.Environment.ContentRootPath, Console.Out, Console.Error);

builder.Services.AddKpiCatalogue();   // the in-memory snapshot, built from seeds when no database exists
builder.Services.AddKpiOData();       // EDM model and OData routes at /odata and /odata/v1
builder.Services.AddKpiVersioning();  // api-version: path, query string, supported-versions header
builder.Services.AddKpiOpenApi();     // Swagger document with the OData query options
builder.Services.AddKpiErrors();      // one JSON error shape per route family, no stack traces
builder.Services.AddKpiHealth();      // liveness and readiness
builder.Services.AddKpiHttp();        // CORS, compression, rate limiting, security headers
builder.Services.AddKpiDownloads();   // the whole dataset as one JSON file, as zipped CSV and as one XLSX workbook
builder.Services.AddKpiIndex();       // / as a page for people (server-rendered, no script) beside the JSON index

var app = builder.Build();
var loaded = app.LoadKpiCatalogue();  // beside the server's start; requests wait for it, /health/ready answers 503 until then

app.UseKpiHead();             // HEAD wherever GET works: the GET's status and headers, without its body
app.UseKpiErrors();
app.UseKpiHttp();
app.UseUnversionedODataRoutes(); // before the cache, so that its answers and 304s name the supported versions too
app.UseKpiResponseCache();    // a repeated query is answered here, before routing: the same bytes as the first time
app.UseKpiAdmission();        // an uncached query waits for a permit (costly ones apart) and gets its time budget
app.UseRouting();
app.UseFormatOption();
app.UseKpiCaching();
app.UseKpiOpenApi();
app.MapKpiIndex();
app.MapKpiDownloads();
app.MapHealth();
app.MapControllers();
await app.StartAsync();
if (!await loaded)                    // fail at start-up, not on the first request
{
    await app.DisposeAsync();         // flushes the console log queue, or the seed errors can be lost at exit
    return 1;
}
await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
