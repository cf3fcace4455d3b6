using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.OData.Edm;
using OpenKpi.Api.OData;
using OpenKpi.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OpenKpi.Api.Tests.Fuzz;

/// <summary>
/// Queries GENERATED FROM THE EDM MODEL (<see cref="EdmModelFactory.Build"/>): every entity set, key and navigation
/// segment, $filter with literals of each property's type, canonical functions, arithmetic, navigation paths through
/// single-valued navigations that are often null, nested any/all, nested $expand with options, $orderby, $apply,
/// $search, $format and Accept variants and hostile headers. Valid-looking input, so a failure is a bug, not a
/// rejected typo. Every answer: no 5xx; a 200 JSON body parses completely; a 200 CSV is a rectangular RFC 4180 table
/// with a header; every 4xx is an OData JSON error; no error text shows .NET internals; and a 200 JSON answer holds no
/// more entities than QueryLimits.MaxEntitiesPerAnswer (read by reflection; checked once the constant exists).
/// Query i of a run is generated from seed + i alone: OPENKPI_MODEL_FUZZ_SEED=&lt;printed seed&gt; OPENKPI_MODEL_FUZZ_COUNT=1
/// replays one query.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class ModelFuzzTests(KpiApplication app, ITestOutputHelper output)
{
    private const int DefaultSeed = 20260419;
    private const int DefaultCount = 5000;
    private const int Reported = 20;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private static readonly string[] Internals =
        ["System.", "Microsoft.", "(Parameter '", "`1", "Exception", "Value cannot be null", "Object reference", "stacktrace", "innererror"];

    [Fact]
    public async Task QueriesGeneratedFromTheModelGetCompleteValidAnswersWithinTheBudget()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_MODEL_FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_MODEL_FUZZ_COUNT"), out var c) ? c : DefaultCount;
        var budget = EntityBudget();
        var model = EdmModelFactory.Build();
        using var serverExceptions = new ServerExceptions();
        var client = app.CreateClient();
        var keys = await SampleKeys(client, model);
        // The in-memory test server itself parses the Host header (HostString.FromUriComponent) before the application
        // sees the request, and throws on some (xn--zz); requests with a hostile Host go over a real socket to Kestrel.
        KpiApplication? kestrel = null;
        var kestrelAnswered = 0;
        HttpClient? kestrelClient = null;
        var refusals = new Dictionary<string, (int Count, string Example)>(StringComparer.Ordinal);

        var failures = new List<Failure>();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        var slowest = (Time: TimeSpan.Zero, Url: "");
        var largest = (Entities: 0, Url: "");

        for (var i = 0; i < count; i++)
        {
            var querySeed = unchecked(seed + i);
            var request = new Generator(new Random(querySeed), model, keys).Request();
            var outcome = await Send(client, request);
            if (outcome.Transport is { } t && t.Contains("TestHost.ClientHandler", StringComparison.Ordinal) && (t.Contains("HostString", StringComparison.Ordinal) || t.Contains("get_Host", StringComparison.Ordinal) || t.Contains("IdnMapping", StringComparison.Ordinal)))
            {
                if (kestrelClient is null)
                {
                    kestrel = new KpiApplication();
                    kestrel.UseKestrel(0);
                    kestrel.StartServer();
                    kestrelClient = kestrel.CreateClient();
                }
                outcome = await Send(kestrelClient, request);
                kestrelAnswered++;
            }
            if (outcome.Status is >= 400 and < 500 && outcome.Body is { } refused) { var why = Signature(DecodedText(refused)); refusals[why] = (refusals.GetValueOrDefault(why).Count + 1, refusals.GetValueOrDefault(why).Example ?? request.Display); }
            statuses[outcome.Histogram] = statuses.GetValueOrDefault(outcome.Histogram) + 1;
            if (outcome.Elapsed > slowest.Time) slowest = (outcome.Elapsed, request.Display);
            if (outcome.Entities > largest.Entities) largest = (outcome.Entities, request.Display);
            foreach (var (kind, detail) in Check(outcome, budget, serverExceptions)) failures.Add(new Failure(kind, querySeed, request, outcome.Status, detail));
        }
        watch.Stop();
        kestrelClient?.Dispose();
        kestrel?.Dispose();

        output.WriteLine($"seed {seed}, {count} queries in {watch.Elapsed.TotalSeconds:F1} s; entity budget {(budget?.ToString(CultureInfo.InvariantCulture) ?? "not declared (QueryLimits.MaxEntitiesPerAnswer missing): not checked")}");
        output.WriteLine("statuses: " + string.Join(", ", statuses.Select(p => $"{p.Key} ×{p.Value}")));
        if (kestrelAnswered > 0) output.WriteLine($"{kestrelAnswered} requests whose Host the in-memory test server cannot parse were sent over Kestrel instead");
        output.WriteLine($"slowest {slowest.Time.TotalMilliseconds:F0} ms: {slowest.Url}");
        output.WriteLine($"most entities in one answer {largest.Entities}: {largest.Url}");
        output.WriteLine("most frequent 4xx messages (not failures; how much of the input the API refuses):");
        foreach (var (why, (n, example)) in refusals.OrderByDescending(p => p.Value.Count).Take(15)) output.WriteLine($"  ×{n} {why}   e.g. {Excerpt(example, 200)}");
        var report = Report(failures);
        output.WriteLine(report);
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} failures\n{report}");
    }

    // ---------------------------------------------------------------- checks

    private sealed record Failure(string Kind, int Seed, FuzzRequest Request, int Status, string Detail);

    internal sealed record Outcome(int Status, string MediaType, string? Body, byte[]? Bytes, string? Transport, TimeSpan Elapsed, int Entities)
    {
        public string Histogram => Transport is not null ? "exception" : $"{Status} {(MediaType.Length == 0 ? "-" : MediaType)}";
    }

    internal static async Task<Outcome> Send(HttpClient client, FuzzRequest fuzz)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri((client.BaseAddress?.GetLeftPart(UriPartial.Authority) ?? "http://localhost") + fuzz.Wire, UriKind.Absolute));
        foreach (var (name, value) in fuzz.Headers)
        {
            if (name == "Host") request.Headers.TryAddWithoutValidation("Host", value);
            else request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = new CancellationTokenSource(RequestTimeout);
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (Exception e)
        {
            return new Outcome(0, "", null, null, timeout.IsCancellationRequested ? "timeout before headers" : Flatten(e), watch.Elapsed, 0);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var media = response.Content.Headers.ContentType?.MediaType ?? "";
            try
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                watch.Stop();
                var body = Encoding.UTF8.GetString(bytes);
                var entities = status == 200 && IsJson(media) ? CountEntities(body) : 0;
                return new Outcome(status, media, body, bytes, null, watch.Elapsed, entities);
            }
            catch (Exception e)
            {
                // The headers said 200 (or whatever) and then the body broke off: a cut-off answer.
                return new Outcome(status, media, null, null, (timeout.IsCancellationRequested ? "timeout reading the body: " : "body broke off: ") + Flatten(e), watch.Elapsed, 0);
            }
        }
    }

    internal static IEnumerable<(string Kind, string Detail)> Check(Outcome o, int? budget, ServerExceptions server)
    {
        if (o.Transport is not null)
        {
            yield return (o.Transport.StartsWith("timeout", StringComparison.Ordinal) ? "timeout" : o.Status == 200 ? "cut-off JSON/CSV" : "status 5xx / exception", $"status {o.Status}: {o.Transport}");
            yield break;
        }
        var body = o.Body ?? "";
        if (o.Status >= 500) { yield return ("status 5xx", server.Describe(body) ?? Excerpt(DecodedText(body))); yield break; }
        if (o.Status >= 400)
        {
            if (!IsJsonError(body)) yield return ("4xx without a JSON error body", $"Content-Type '{o.MediaType}': {Excerpt(body)}");
            var text = DecodedText(body);
            var leaked = Internals.FirstOrDefault(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
            if (leaked is not null) yield return (".NET text in an error", $"{Excerpt(text)} [shows \"{leaked}\"]");
            yield break;
        }
        if (o.Status != 200) yield break;
        if (IsJson(o.MediaType))
        {
            string? problem = null;
            try { using var _ = JsonDocument.Parse(body); }
            catch (JsonException e) { problem = $"{e.Message} (length {body.Length}, ends …{Tail(body)})"; }
            if (problem is not null) { yield return ("cut-off JSON", problem); yield break; }
            if (budget is { } b && o.Entities > b) yield return ("over budget", $"{o.Entities} entities > MaxEntitiesPerAnswer {b}");
        }
        else if (o.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            var csv = CsvProblem(o.Bytes ?? []);
            if (csv is not null) yield return ("bad CSV", csv);
        }
    }

    /// <summary>The error body as a person reads it: JSON string escapes (\u0027, \u0060) decoded, names and values joined.</summary>
    private static string DecodedText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var text = new StringBuilder();
            Walk(json.RootElement);
            return text.ToString();

            void Walk(JsonElement e)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var p in e.EnumerateObject())
                        {
                            if (p.Name.Contains("requestId", StringComparison.Ordinal)) continue;
                            text.Append(p.Name).Append(": ");
                            Walk(p.Value);
                            text.Append(' ');
                        }
                        break;
                    case JsonValueKind.Array: foreach (var item in e.EnumerateArray()) Walk(item); break;
                    default: text.Append(e.ToString()); break;
                }
            }
        }
        catch (JsonException)
        {
            return body;
        }
    }

    private static bool IsJson(string media) => media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsJsonError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("code", out _) && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Entities in a JSON answer: the items of the top-level value (or the one entity), and every object nested in them, recursively.</summary>
    private static int CountEntities(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return 0;
            if (root.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array) return value.EnumerateArray().Sum(Objects);
            return Objects(root);
        }
        catch (JsonException)
        {
            return 0;
        }

        static int Objects(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => 1 + e.EnumerateObject().Sum(p => Objects(p.Value)),
            JsonValueKind.Array => e.EnumerateArray().Sum(Objects),
            _ => 0,
        };
    }

    private static int? EntityBudget()
    {
        var type = typeof(QueryLimits);
        var field = type.GetField("MaxEntitiesPerAnswer", BindingFlags.Public | BindingFlags.Static);
        var value = field?.GetValue(null) ?? type.GetProperty("MaxEntitiesPerAnswer", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        return value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Null when the bytes are a proper CSV table: a header, then records with as many fields as the header (RFC 4180 quoting).</summary>
    internal static string? CsvProblem(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        if (text.Trim('\r', '\n', ' ').Length == 0) return $"no header: {bytes.Length} bytes of BOM and blank lines";
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var atFieldStart = true;
        var blank = new HashSet<int>();   // records that are an empty line (a quoted empty field, "", is not one)
        var sawQuote = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else quoted = false;
                }
                else field.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '"' when atFieldStart: quoted = true; atFieldStart = false; sawQuote = true; break;
                case '"': return $"record {records.Count + 1}: a quote inside an unquoted field";
                case ',': record.Add(field.ToString()); field.Clear(); atFieldStart = true; break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n': break;
                case '\r':
                case '\n':
                    record.Add(field.ToString()); field.Clear(); atFieldStart = true;
                    if (record is [""] && !sawQuote) blank.Add(records.Count);
                    records.Add(record); record = []; sawQuote = false;
                    break;
                default: field.Append(ch); atFieldStart = false; break;
            }
        }
        if (quoted) return $"the body ends inside a quoted field (length {text.Length}, ends …{Tail(text)})";
        if (field.Length > 0 || record.Count > 0) { record.Add(field.ToString()); records.Add(record); }
        var header = records[0];
        if (header.Count == 0 || header.All(h => h.Length == 0)) return "an empty header line";
        for (var r = 1; r < records.Count; r++)
        {
            if (blank.Contains(r)) return $"record {r + 1} of {records.Count} is a blank line";
            if (records[r].Count != header.Count) return $"record {r + 1} has {records[r].Count} fields, the header {header.Count} ({string.Join(",", header.Take(6))}…); record: {Excerpt(string.Join(",", records[r]), 200)}";
        }
        return null;
    }

    private static string Report(List<Failure> failures)
    {
        if (failures.Count == 0) return "no failures";
        var text = new StringBuilder();
        var groups = failures.GroupBy(f => f.Kind).OrderByDescending(g => g.Count()).ToList();
        text.AppendLine("failures by kind: " + string.Join(", ", groups.Select(g => $"{g.Key} ×{g.Count()}")));
        // The first ~20, spread over the kinds, each with its seed (OPENKPI_MODEL_FUZZ_SEED=<seed> OPENKPI_MODEL_FUZZ_COUNT=1 replays it).
        var perKind = Math.Max(1, Reported / groups.Count);
        foreach (var group in groups)
        {
            text.AppendLine().AppendLine($"== {group.Key} ({group.Count()})");
            foreach (var f in group.Take(perKind))
            {
                text.AppendLine($"  seed {f.Seed}: GET {f.Request.Display}{(f.Request.Headers.Count > 0 ? "  [" + string.Join("; ", f.Request.Headers.Select(h => $"{h.Name}: {Excerpt(h.Value, 60)}")) + "]" : "")}");
                text.AppendLine($"    -> {f.Status}: {f.Detail}");
            }
            // Distinct causes within the kind: the error message (or detail) with the query-specific parts blurred.
            var causes = group.GroupBy(f => Signature(f.Detail)).OrderByDescending(g => g.Count()).Take(12);
            text.AppendLine("  distinct details: ");
            foreach (var cause in causes) text.AppendLine($"    ×{cause.Count()} {cause.Key}   e.g. seed {cause.First().Seed}: {Excerpt(cause.First().Request.Display, 160)}");
        }
        return text.ToString();
    }

    private static string Signature(string detail)
    {
        var message = System.Text.RegularExpressions.Regex.Replace(detail, @"'[^']*'|Request id: [\w:]+|\d+", "_");
        return Excerpt(message, 260);
    }

    private static string Flatten(Exception e)
    {
        var parts = new List<string>();
        var innermost = e;
        for (var x = e; x is not null && parts.Count < 4; x = x.InnerException) { parts.Add($"{x.GetType().Name}: {Excerpt(x.Message, 200)}"); innermost = x; }
        var frames = (innermost.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(12);
        return string.Join(" <- ", parts) + " | " + string.Join(" | ", frames.Select(f => Excerpt(f, 160)));
    }

    private static string Excerpt(string text, int length = 400) => text.Length <= length ? text : text[..length] + "…";

    private static string Tail(string text) => text.Length <= 60 ? text : text[^60..];

    /// <summary>
    /// The exception behind each 500, by request id, from the exception handler's diagnostic event (the 500's body rightly
    /// names only the request id): so that the report says which cause each 500 has.
    /// </summary>
    internal sealed class ServerExceptions : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly ConcurrentDictionary<string, Exception> byRequest = new(StringComparer.Ordinal);
        private readonly List<IDisposable> subscriptions = [];

        public ServerExceptions() => subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

        public string? Describe(string body)
        {
            var match = System.Text.RegularExpressions.Regex.Match(body, @"""@OpenKpi\.requestId""\s*:\s*""([^""]+)""");
            if (!match.Success || !byRequest.TryGetValue(match.Groups[1].Value, out var e)) return null;
            var inner = e;
            while (inner.InnerException is { } next && inner is not ArgumentException) inner = next;
            var frames = (inner.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            // The frame that names the cause first: the project's own, else the first outside System.*.
            var key = frames.FirstOrDefault(f => f.Contains("OpenKpi", StringComparison.Ordinal)) ?? frames.FirstOrDefault(f => !f.StartsWith("at System.", StringComparison.Ordinal)) ?? "";
            var where = System.Text.RegularExpressions.Regex.Replace(key, @" in /\S*/(\S+:line \d+)", " ($1)");
            return $"500, server threw {inner.GetType().Name}: {Excerpt(inner.Message, 200)} {where} | top: {Excerpt(frames.FirstOrDefault() ?? "", 120)}";
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.AspNetCore")
                lock (subscriptions) subscriptions.Add(listener.Subscribe(this, (name, _, _) => name.EndsWith("Exception", StringComparison.Ordinal)));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is not { } payload) return;
            var properties = payload.GetType().GetProperties();
            var context = properties.FirstOrDefault(p => p.Name.Equals("httpContext", StringComparison.OrdinalIgnoreCase))?.GetValue(payload) as Microsoft.AspNetCore.Http.HttpContext;
            var exception = properties.FirstOrDefault(p => p.Name.Equals("exception", StringComparison.OrdinalIgnoreCase))?.GetValue(payload) as Exception;
            if (context is not null && exception is not null) byRequest.TryAdd(context.TraceIdentifier, exception);
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose()
        {
            lock (subscriptions) foreach (var s in subscriptions) s.Dispose();
        }
    }

    // ---------------------------------------------------------------- keys from the data

    private static async Task<Dictionary<string, List<string>>> SampleKeys(HttpClient client, IEdmModel model)
    {
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var set in model.EntityContainer.EntitySets())
        {
            using var response = await client.GetAsync($"/odata/{set.Name}?$select=Id&$top=100");
            var ids = new List<string>();
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                ids.AddRange(json.RootElement.GetProperty("value").EnumerateArray().Select(e => e.GetProperty("Id").GetString()!));
            }
            keys[set.Name] = ids;
        }
        return keys;
    }

    // ---------------------------------------------------------------- the generator

    public sealed record FuzzRequest(string Path, List<(string Name, string Value)> Options, List<(string Name, string Value)> Headers)
    {
        public string Display => Path + (Options.Count == 0 ? "" : "?" + string.Join("&", Options.Select(o => o.Value.Length == 0 && o.Name.Length == 0 ? "" : $"{o.Name}={o.Value}")));

        public string Wire => Path + (Options.Count == 0 ? "" : "?" + string.Join("&", Options.Select(o => $"{Uri.EscapeDataString(o.Name)}={Uri.EscapeDataString(o.Value)}")));
    }

    private enum Kind { String, Int, Decimal, Date, Bool, Enum, StringCollection }

    private sealed class Generator(Random random, IEdmModel model, Dictionary<string, List<string>> keys)
    {
        private static readonly string[] StringLiterals =
            ["'VN-09'", "'VN-57'", "'a'", "'ab'", "'Tỷ lệ'", "'tỷ lệ'", "''", "'it''s'", "'%'", "'_'", "'Lạng Sơn'", "'percent'", "'2024'", "' '", "'đ'", "'Sở Y tế'", "'Equal'", "'null'"];
        private static readonly string[] IntLiterals = ["0", "1", "-1", "2", "3", "7", "2023", "2024", "2025", "2147483647", "-2147483648", "100"];
        private static readonly string[] DecimalLiterals = ["0", "1", "3", "6.5", "61.21", "-1", "0.0001", "95", "1000000", "79228162514264337593543950335", "2147483647", "1.5E3", "150"];
        private static readonly string[] DateLiterals = ["2024-01-19", "2023-01-19", "0001-01-01", "9999-12-31", "2024-02-29", "2025-07-01"];
        private static readonly string[] Patterns = ["'^VN'", "'a'", "'^.*$'", "'[0-9]+'", "'(a|b)*c'", "'^\\\\d'", "'ệ'", "'^$'"];
        private static readonly string[] SearchWords = ["bac si", "bác sĩ", "duong", "đường", "ty le", "Tỷ lệ", "ho ngheo", "\"ho ngheo\"", "lang son", "NOT ngheo", "y OR te", "ngan sach AND tinh", "2024", "VN-09", "A.XII", "x"];
        private static readonly string[] Formats = ["csv", "CSV", "json", "application/json", "application/json;odata.metadata=full", "application/json;odata.metadata=none", "application/json;odata.metadata=minimal", "xml", "junk", "text/csv"];
        private static readonly string[] Accepts = ["text/csv", "application/json", "text/csv;charset=utf-8", "application/json, text/csv;q=0.1", "text/csv;q=0.5, application/json", "*/*", "application/json;odata.metadata=full", "application/json;odata.metadata=none"];

        private readonly List<IEdmEntitySet> sets = model.EntityContainer.EntitySets().ToList();

        public FuzzRequest Request()
        {
            var set = Pick(sets);
            var type = set.EntityType;
            var path = "/odata/" + set.Name;
            var isCollection = true;
            var key = keys.TryGetValue(set.Name, out var ids) && ids.Count > 0 ? Pick(ids) : "x";
            var options = new List<(string, string)>();
            var headers = new List<(string, string)>();

            switch (random.Next(20))
            {
                case 0: path += "/$count"; isCollection = false; break;
                case 1 or 2 or 3:
                    path += random.Next(5) == 0 ? $"(Id='{key}')" : $"('{key}')";
                    isCollection = false;
                    if (random.Next(2) == 0 && type.NavigationProperties().ToList() is { Count: > 0 } navs)
                    {
                        var nav = Pick(navs);
                        path += "/" + nav.Name;
                        type = nav.ToEntityType();
                        isCollection = nav.Type.IsCollection();
                        if (isCollection && random.Next(5) == 0) { path += "/$count"; isCollection = false; }
                    }
                    break;
                case 4: path += "('no-such-key')"; isCollection = false; break;
            }

            var onCount = path.EndsWith("/$count", StringComparison.Ordinal);
            // $apply is allowed where aggregation is (the Targets collection); elsewhere now and then, to see it refused cleanly.
            var aggregates = isCollection && set.Name == "Targets" && !path.Contains('(', StringComparison.Ordinal);
            var optionCount = random.Next(0, 5);
            var used = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < optionCount; i++)
            {
                var (name, value) = random.Next(onCount ? 3 : 22) switch
                {
                    0 or 1 or 2 or 3 => ("$filter", Bool(new Scope(type, "", 0), 3)),
                    4 or 5 => ("$expand", ExpandList(type, 1)),
                    6 => ("$select", Select(type)),
                    7 or 8 => ("$orderby", OrderBy(type, "")),
                    9 => ("$top", Pick(["0", "1", "2", "5", "10", "100", "1000", "1001"])),
                    10 => ("$skip", Pick(["0", "1", "5", "50", "100", "1000", "2147483647"])),
                    11 => ("$count", Pick(["true", "false"])),
                    12 => ("$search", Pick(SearchWords)),
                    13 or 14 or 15 when aggregates || random.Next(10) == 0 => ("$apply", Apply(type)),
                    13 or 14 or 15 => ("$filter", Bool(new Scope(type, "", 0), 2)),
                    16 => ("$format", Pick(Formats)),
                    17 when random.Next(5) == 0 => ("$compute", $"{Int(new Scope(type, "", 0), 1)} as Computed"),
                    17 => ("$orderby", OrderBy(type, "")),
                    18 => ("$expand", random.Next(6) != 0 ? "*" : "*($levels=2)"),
                    19 => ("$deltatoken", Pick(["1", "2", "0", "99", "abc", ""])),
                    20 => ("revision", Pick(["1", "2", "0", "x"])),
                    _ => ("$filter", Bool(new Scope(type, "", 0), 1)),
                };
                if (used.Add(name)) options.Add((name, value));
            }
            if (used.Contains("$compute") && !used.Contains("$select") && random.Next(2) == 0) options.Add(("$select", "Id,Computed"));
            if (!isCollection && options.Count > 0 && random.Next(6) != 0) options.RemoveAll(o => o.Item1 is "$top" or "$skip" or "$apply" or "$orderby" or "$filter" or "$count" or "$search");

            if (random.Next(5) == 0) headers.Add(("Accept", Pick(Accepts)));
            if (random.Next(10) == 0)
            {
                headers.Add(random.Next(8) switch
                {
                    7 => ("Prefer", Pick(["odata.track-changes", "odata.track-changes, odata.maxpagesize=5", "return=minimal"])),
                    0 => ("Host", "a..b"),
                    1 => ("Host", "a'b"),
                    2 => ("Host", "xn--zz"),
                    3 => ("Host", new string('a', 300) + ".example"),
                    4 => ("If-None-Match", "*"),
                    5 => ("Prefer", "odata.maxpagesize=" + Pick(["1", "2", "5", "0", "-1", "1000000", "abc"])),
                    _ => ("OData-MaxVersion", Pick(["4.0", "4.01"])),
                });
            }
            return new FuzzRequest(path, options, headers);
        }

        // -------- scopes and paths

        private sealed record Scope(IEdmEntityType Type, string Prefix, int Lambdas);

        private static Kind? KindOf(IEdmTypeReference type)
        {
            if (type.IsCollection()) return type.AsCollection().ElementType().IsString() ? Kind.StringCollection : null;
            if (type.IsEnum()) return Kind.Enum;
            if (!type.IsPrimitive()) return null;
            return type.AsPrimitive().PrimitiveKind() switch
            {
                EdmPrimitiveTypeKind.String => Kind.String,
                EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Byte => Kind.Int,
                EdmPrimitiveTypeKind.Decimal or EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single => Kind.Decimal,
                EdmPrimitiveTypeKind.Date or EdmPrimitiveTypeKind.DateTimeOffset => Kind.Date,
                EdmPrimitiveTypeKind.Boolean => Kind.Bool,
                _ => null,
            };
        }

        /// <summary>A property of the kind, reached directly or through up to three single-valued navigations (often null ones: Province, Parent, Successor, LeadAgency…).</summary>
        private (string Path, IEdmStructuralProperty Property)? PropertyPath(Scope scope, Kind kind, bool allowNavigation = true)
        {
            var type = scope.Type;
            var path = scope.Prefix;
            for (var step = 0; allowNavigation && step < 3 && random.Next(100) < 35; step++)
            {
                var singles = type.NavigationProperties().Where(n => !n.Type.IsCollection()).ToList();
                if (singles.Count == 0) break;
                var nav = Pick(singles);
                path += nav.Name + "/";
                type = nav.ToEntityType();
            }
            var candidates = type.StructuralProperties().Where(p => KindOf(p.Type) == kind).ToList();
            if (candidates.Count == 0)
            {
                type = scope.Type;
                path = scope.Prefix;
                candidates = type.StructuralProperties().Where(p => KindOf(p.Type) == kind).ToList();
            }
            if (candidates.Count == 0) return null;
            var property = Pick(candidates);
            return (path + property.Name, property);
        }

        private (string Path, IEdmEntityType Element)? CollectionNavigation(Scope scope)
        {
            var type = scope.Type;
            var path = scope.Prefix;
            for (var step = 0; step < 2 && random.Next(100) < 30; step++)
            {
                var singles = type.NavigationProperties().Where(n => !n.Type.IsCollection()).ToList();
                if (singles.Count == 0) break;
                var nav = Pick(singles);
                path += nav.Name + "/";
                type = nav.ToEntityType();
            }
            var collections = type.NavigationProperties().Where(n => n.Type.IsCollection()).ToList();
            if (collections.Count == 0)
            {
                collections = scope.Type.NavigationProperties().Where(n => n.Type.IsCollection()).ToList();
                path = scope.Prefix;
            }
            if (collections.Count == 0) return null;
            var chosen = Pick(collections);
            return (path + chosen.Name, chosen.ToEntityType());
        }

        // -------- $filter

        private string Bool(Scope scope, int depth)
        {
            if (depth <= 0) return Comparison(scope, 0);
            return random.Next(16) switch
            {
                0 or 1 => $"{Bool(scope, depth - 1)} and {Bool(scope, depth - 1)}",
                2 => $"{Bool(scope, depth - 1)} or {Bool(scope, depth - 1)}",
                3 => $"not ({Bool(scope, depth - 1)})",
                4 => $"({Bool(scope, depth - 1)})",
                5 or 6 or 7 => Lambda(scope, depth),
                8 => StringPredicate(scope, depth),
                _ => Comparison(scope, depth - 1),
            };
        }

        private string Lambda(Scope scope, int depth)
        {
            if (random.Next(5) == 0 && PropertyPath(scope, Kind.StringCollection, allowNavigation: false) is { } primitive)
            {
                var v = "s" + scope.Lambdas;
                return random.Next(3) == 0 ? $"{primitive.Path}/any()" : $"{primitive.Path}/{Pick(["any", "all"])}({v}:{v} {Pick(["eq", "ne"])} {StringLiteral()})";
            }
            if (CollectionNavigation(scope) is not { } collection) return Comparison(scope, depth - 1);
            if (random.Next(6) == 0) return $"{collection.Path}/any()";
            if (random.Next(8) == 0) return $"{collection.Path}/$count {Pick(["gt", "eq", "ge"])} {Pick(["0", "1", "10"])}";
            var variable = ((char)('a' + scope.Lambdas)).ToString();
            var inner = new Scope(collection.Element, variable + "/", scope.Lambdas + 1);
            // Nested lambdas go one level deeper than the limit (MaxAnyAllExpressionDepth) now and then.
            var body = scope.Lambdas < 2 && random.Next(3) == 0 ? Lambda(inner, depth - 1) : Bool(inner, Math.Max(0, depth - 2));
            return $"{collection.Path}/{Pick(["any", "any", "all"])}({variable}:{body})";
        }

        private string StringPredicate(Scope scope, int depth) =>
            random.Next(6) switch
            {
                0 => $"matchesPattern({Str(scope, 1)},{Pick(Patterns)})",
                1 => $"contains({Str(scope, depth)},{StringLiteral()})",
                2 => $"startswith({Str(scope, depth)},{StringLiteral()})",
                3 => $"endswith({Str(scope, depth)},{StringLiteral()})",
                4 => $"contains(concat(concat({Str(scope, 0)},{Str(scope, 0)}),{Str(scope, 0)}),'ab')",
                _ => $"{Str(scope, depth)} in ({StringLiteral()},{StringLiteral()},{StringLiteral()})",
            };

        private string Comparison(Scope scope, int depth)
        {
            var op = Pick(["eq", "ne", "gt", "ge", "lt", "le", "eq", "ne"]);
            switch (random.Next(11))
            {
                case 0 or 1: return $"{Str(scope, depth)} {op} {(random.Next(8) == 0 ? "null" : StringLiteral())}";
                case 2 or 3: return $"{Int(scope, depth)} {op} {Pick(IntLiterals)}";
                case 4: return $"{Dec(scope, depth)} {op} {(random.Next(8) == 0 ? "null" : Pick(DecimalLiterals))}";
                case 5 when PropertyPath(scope, Kind.Date) is { } date: return $"{date.Path} {op} {(random.Next(6) == 0 ? "null" : Pick(DateLiterals))}";
                case 6 when PropertyPath(scope, Kind.Enum) is { } e:
                    {
                        var members = ((IEdmEnumType)e.Property.Type.Definition).Members.Select(m => m.Name).ToList();
                        var member = Pick(members);
                        var enumName = e.Property.Type.FullName();
                        return random.Next(5) switch
                        {
                            0 => $"{e.Path} has {enumName}'{member}'",
                            1 => $"{e.Path} in ('{member}','{Pick(members)}')",
                            2 => $"{e.Path} {Pick(["eq", "ne"])} null",
                            3 => $"{e.Path} {op} {enumName}'{member}'",
                            _ => $"{e.Path} {Pick(["eq", "ne"])} '{member}'",
                        };
                    }
                case 7 when PropertyPath(scope, Kind.Bool) is { } b:
                    return random.Next(3) == 0 ? b.Path : $"{b.Path} {Pick(["eq", "ne"])} {Pick(["true", "false", "null"])}";
                case 8:
                    {
                        // Null against a navigation path or a nullable property anywhere.
                        var any = PropertyPath(scope, Pick([Kind.String, Kind.Int, Kind.Decimal, Kind.Date, Kind.Enum]));
                        return any is { } p ? $"{p.Path} {Pick(["eq", "ne"])} null" : "true";
                    }
                case 9:
                    {
                        var any = PropertyPath(scope, Pick([Kind.String, Kind.Int, Kind.Decimal, Kind.Date, Kind.Bool]));
                        if (any is not { } p) return "true";
                        return random.Next(2) == 0 ? $"isof({p.Path},{Pick(["Edm.String", "Edm.Int32", "Edm.Decimal", "Edm.Date"])})" : $"cast({p.Path},Edm.String) {Pick(["eq", "ne", "gt"])} {StringLiteral()}";
                    }
                default: return random.Next(2) == 0 ? $"{Int(scope, depth)} {op} {Int(scope, depth)}" : $"{Str(scope, depth)} {op} {Str(scope, depth)}";
            }
        }

        private string Str(Scope scope, int depth)
        {
            var leaf = PropertyPath(scope, Kind.String)?.Path ?? StringLiteral();
            if (depth <= 0 || random.Next(3) == 0) return leaf;
            return random.Next(9) switch
            {
                0 => $"tolower({Str(scope, depth - 1)})",
                1 => $"toupper({Str(scope, depth - 1)})",
                2 => $"trim({Str(scope, depth - 1)})",
                3 => $"substring({Str(scope, depth - 1)},{Pick(["0", "1", "2", "5", "100"])})",
                4 => $"substring({Str(scope, depth - 1)},{Pick(["0", "1", "3"])},{Pick(["0", "1", "2", "10"])})",
                5 => $"concat({Str(scope, depth - 1)},{(random.Next(2) == 0 ? StringLiteral() : Str(scope, depth - 1))})",
                6 => $"cast({Int(scope, 0)},Edm.String)",
                _ => leaf,
            };
        }

        private string Int(Scope scope, int depth)
        {
            var leaf = PropertyPath(scope, Kind.Int)?.Path ?? Pick(IntLiterals);
            if (depth <= 0 || random.Next(3) == 0) return leaf;
            return random.Next(9) switch
            {
                0 => $"length({Str(scope, depth - 1)})",
                1 => $"indexof({Str(scope, depth - 1)},{StringLiteral()})",
                2 when PropertyPath(scope, Kind.Date) is { } d => $"{Pick(["year", "month", "day"])}({d.Path})",
                3 or 4 => $"{Int(scope, depth - 1)} {Pick(["add", "sub", "mul", "div", "mod"])} {Pick(["1", "2", "0", "-1", "2147483647", "1000", "2024"])}",
                5 => $"{Int(scope, depth - 1)} {Pick(["add", "sub", "mul"])} {Int(scope, depth - 1)}",
                6 => $"cast({Dec(scope, 0)},Edm.Int32)",
                _ => leaf,
            };
        }

        private string Dec(Scope scope, int depth)
        {
            var leaf = PropertyPath(scope, Kind.Decimal)?.Path ?? Pick(DecimalLiterals);
            if (depth <= 0 || random.Next(3) == 0) return leaf;
            return random.Next(7) switch
            {
                0 => $"{Pick(["round", "floor", "ceiling"])}({Dec(scope, depth - 1)})",
                1 or 2 => $"{Dec(scope, depth - 1)} {Pick(["add", "sub", "mul", "div", "mod"])} {Pick(DecimalLiterals)}",
                3 => $"{Dec(scope, depth - 1)} {Pick(["add", "mul"])} {Int(scope, 0)}",
                4 => $"cast({Int(scope, 0)},Edm.Decimal)",
                _ => leaf,
            };
        }

        private string StringLiteral()
        {
            if (random.Next(4) == 0)
            {
                var ids = keys.Values.Where(v => v.Count > 0).ToList();
                if (ids.Count > 0) return "'" + Pick(Pick(ids)).Replace("'", "''", StringComparison.Ordinal) + "'";
            }
            return Pick(StringLiterals);
        }

        // -------- $select / $expand / $orderby

        private string Select(IEdmEntityType type)
        {
            if (random.Next(8) == 0) return "*";
            var properties = type.StructuralProperties().Select(p => p.Name).ToList();
            var picked = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(properties)).Distinct().ToList();
            if (random.Next(6) == 0 && type.NavigationProperties().ToList() is { Count: > 0 } navs) picked.Add(Pick(navs).Name);
            return string.Join(",", picked);
        }

        private string ExpandList(IEdmEntityType type, int level)
        {
            var navs = type.NavigationProperties().ToList();
            if (navs.Count == 0) return "*";
            var chosen = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(navs)).DistinctBy(n => n.Name).ToList();
            return string.Join(",", chosen.Select(n => ExpandItem(n, level)));
        }

        private string ExpandItem(IEdmNavigationProperty nav, int level)
        {
            var target = nav.ToEntityType();
            var collection = nav.Type.IsCollection();
            var options = new List<string>();
            if (random.Next(3) != 0)
            {
                if (random.Next(3) == 0) options.Add("$select=" + Select(target));
                if (collection || random.Next(6) == 0)
                {
                    if (random.Next(3) == 0) options.Add("$filter=" + Bool(new Scope(target, "", 0), 1));
                    if (random.Next(4) == 0) options.Add("$orderby=" + OrderBy(target, ""));
                    if (random.Next(3) == 0) options.Add("$top=" + Pick(["0", "1", "2", "5", "100"]));
                    if (random.Next(5) == 0) options.Add("$skip=" + Pick(["0", "1", "3"]));
                    if (random.Next(5) == 0) options.Add("$count=true");
                }
                // Depth up to 3 (MaxExpansionDepth); now and then one more, which must be refused cleanly.
                if (target.NavigationProperties().Any() && (level < 3 ? random.Next(3) != 0 : level == 3 && random.Next(8) == 0))
                    options.Add("$expand=" + ExpandList(target, level + 1));
            }
            return options.Count == 0 ? nav.Name : $"{nav.Name}({string.Join(";", options)})";
        }

        private string OrderBy(IEdmEntityType type, string prefix)
        {
            var scope = new Scope(type, prefix, 0);
            var clauses = new List<string>();
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                string? clause = random.Next(8) switch
                {
                    0 when CollectionNavigation(scope) is { } c => c.Path + "/$count",
                    1 => Int(scope, 1),
                    _ => PropertyPath(scope, Pick([Kind.String, Kind.String, Kind.Int, Kind.Decimal, Kind.Date, Kind.Enum, Kind.Bool]))?.Path,
                };
                if (clause is not null) clauses.Add(clause + Pick(["", " asc", " desc"]));
            }
            return clauses.Count == 0 ? "Id" : string.Join(",", clauses);
        }

        // -------- $apply

        private string Apply(IEdmEntityType type)
        {
            var scope = new Scope(type, "", 0);
            var steps = new List<string>();
            if (random.Next(3) == 0) steps.Add($"filter({Bool(scope, 2)})");
            var computed = new List<string>();
            if (random.Next(5) == 0)
            {
                steps.Add($"compute({Int(scope, 1)} as N)");
                computed.Add("N");
            }
            var aliases = new List<string>();
            switch (random.Next(5))
            {
                case 0:
                    steps.Add("aggregate(" + Aggregates(scope, aliases) + ")");
                    break;
                case 1 or 2 or 3:
                    {
                        var groupKeys = Enumerable.Range(0, random.Next(1, 3))
                            .Select(_ => computed.Count > 0 && random.Next(3) == 0 ? "N" : PropertyPath(scope, Pick([Kind.String, Kind.String, Kind.Int, Kind.Enum, Kind.Date, Kind.Bool, Kind.Decimal]))?.Path)
                            .OfType<string>().Distinct().ToList();
                        if (groupKeys.Count == 0) groupKeys.Add("Id");
                        aliases.AddRange(groupKeys);
                        steps.Add(random.Next(4) == 0 ? $"groupby(({string.Join(",", groupKeys)}))" : $"groupby(({string.Join(",", groupKeys)}),aggregate({Aggregates(scope, aliases)}))");
                        break;
                    }
                default:
                    break;
            }
            if (aliases.Count > 0 && random.Next(3) == 0)
            {
                var alias = aliases[^1];
                steps.Add(alias.StartsWith("Agg", StringComparison.Ordinal) || alias == "C"
                    ? $"filter({alias} {Pick(["gt", "ge", "eq"])} {Pick(["0", "1", "2"])})"
                    : $"filter({alias} ne null)");
            }
            if (steps.Count == 0) steps.Add($"filter({Bool(scope, 1)})");
            return string.Join("/", steps);
        }

        private string Aggregates(Scope scope, List<string> aliases)
        {
            var parts = new List<string>();
            for (var i = random.Next(1, 3); i > 0; i--)
            {
                var alias = aliases.Contains("C") || parts.Any(p => p.EndsWith(" as C", StringComparison.Ordinal)) ? $"Agg{parts.Count}" : "C";
                string part;
                switch (random.Next(5))
                {
                    case 0: part = $"$count as {alias}"; break;
                    case 1 when PropertyPath(scope, Kind.Decimal) is { } d: part = $"{d.Path} with {Pick(["sum", "min", "max", "average"])} as {alias}"; break;
                    case 2 when PropertyPath(scope, Kind.Int) is { } n: part = $"{n.Path} with {Pick(["sum", "min", "max", "average"])} as {alias}"; break;
                    case 3 when PropertyPath(scope, Pick([Kind.String, Kind.Enum, Kind.Int])) is { } p: part = $"{p.Path} with countdistinct as {alias}"; break;
                    default: part = $"$count as {alias}"; break;
                }
                parts.Add(part);
            }
            aliases.AddRange(parts.Select(p => p[(p.LastIndexOf(' ') + 1)..]));
            return string.Join(",", parts);
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
    }
}
