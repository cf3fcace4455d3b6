using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OData.Edm;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Api.Tests.Xlsx;
using OpenKpi.Domain.Catalogue;
using Xunit.Abstractions;

namespace OpenKpi.Api.Tests.Differential;

/// <summary>The API twice: with its fast paths, and with FastPaths:Enabled off (plain EnableQuery), neither caching answers.</summary>
public sealed class FastAndPlain : IAsyncDisposable
{
    // The evaluation budget is a clock, and this machine is shared: a loaded moment must not make one side answer 400.
    public KpiApplication Fast { get; } = new() { Settings = { ["ResponseCache:Enabled"] = "false", ["Concurrency:EvaluationMilliseconds"] = "60000" } };
    public KpiApplication Plain { get; } = new() { Settings = { ["ResponseCache:Enabled"] = "false", ["Concurrency:EvaluationMilliseconds"] = "60000", ["FastPaths:Enabled"] = "false" } };

    private HttpClient? _fastClient, _plainClient;
    public HttpClient FastClient => _fastClient ??= Fast.CreateClient();
    public HttpClient PlainClient => _plainClient ??= Plain.CreateClient();

    public async ValueTask DisposeAsync()
    {
        await Fast.DisposeAsync();
        await Plain.DisposeAsync();
    }
}

/// <summary>
/// Every answer of the fast paths is the plain library path's answer: the same status, the same bytes (an XLSX, a zip whose
/// bytes may differ, the same cells) and the same headers but <see cref="Unrelated"/>. The URLs are every /odata literal of the
/// test sources (read at test time, so a new test adds its URLs) and requests generated from a seed in the shapes the fast
/// paths take. Request i is generated from seed + i alone: OPENKPI_DIFF_SEED=&lt;its seed&gt; OPENKPI_DIFF_COUNT=1 replays it.
/// </summary>
public sealed class DifferentialTests(FastAndPlain hosts, ITestOutputHelper output) : IClassFixture<FastAndPlain>
{
    private const int DefaultSeed = 20261201;
    private const int DefaultCount = 3000;
    private const int Reported = 15;

    /// <summary>
    /// Headers not compared: Date is the clock's; X-Request-ID names the connection and request (an error body names it
    /// too, and is compared with the plain side's id in its place).
    /// </summary>
    private static readonly HashSet<string> Unrelated = new(StringComparer.OrdinalIgnoreCase) { "Date", RequestId };

    private const string RequestId = "X-Request-ID";

    public sealed record Request(string Url, List<(string Name, string Value)> Headers, string Method = "GET")
    {
        public override string ToString() => (Method == "GET" ? "" : Method + " ") + Url + string.Concat(Headers.Select(h => $" [{h.Name}: {h.Value}]"));
    }

    [Fact]
    public async Task EveryODataUrlOfTheTestsIsAnsweredAlikeByTheFastPathsAndThePlainLibrary()
    {
        var urls = TestSourceUrls();
        Assert.True(urls.Count > 100, $"only {urls.Count} /odata URLs found in the test sources");
        var failures = new List<string>();
        foreach (var url in urls)
            if (await Difference(new Request(url, [])) is { } difference) failures.Add($"{url}\n    {difference}");
        output.WriteLine($"{urls.Count} URLs of the test sources compared");
        Assert.True(failures.Count == 0, $"{failures.Count} of {urls.Count} URLs answered differently:\n{string.Join("\n", failures.Take(Reported))}");
    }

    [Fact]
    public async Task GeneratedQueriesOfTheFastPathsShapesAreAnsweredAlikeByTheFastPathsAndThePlainLibrary()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_DIFF_SEED"), out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_DIFF_COUNT"), out var c) ? c : DefaultCount;
        var catalogue = hosts.Plain.Services.GetRequiredService<CatalogueSnapshot>();
        var model = EdmModelFactory.Build();
        var fastWriter = hosts.Fast.Services.GetRequiredService<JsonPageWriter>();
        var plainWriter = hosts.Plain.Services.GetRequiredService<JsonPageWriter>();
        var (fastBefore, plainBefore) = (fastWriter.Written, plainWriter.Written);
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var requestSeed = unchecked(seed + i);
            Request? request = new Generator(new Random(requestSeed), model, catalogue).Next();
            // A page's nextLink is a request of its own: the next page must be the same too.
            for (var page = 0; request is not null && page < 2; page++)
            {
                var (difference, status, next) = await Compare(request);
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (difference is not null)
                {
                    failures.Add($"{request}\n    {difference}\n    replay: OPENKPI_DIFF_SEED={requestSeed} OPENKPI_DIFF_COUNT=1");
                    break;
                }
                request = next is null ? null : request with { Url = next };
            }
        }
        output.WriteLine($"seed {seed}, {count} requests in {watch.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.Select(p => $"{p.Key} ×{p.Value}"))}");
        output.WriteLine($"the fast JSON writer wrote {fastWriter.Written - fastBefore} answers; the plain host's, {plainWriter.Written - plainBefore}");
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} of {count} requests answered differently:\n{string.Join("\n", failures.Take(Reported))}");
        // Not a comparison of the library with itself: the fast side took its fast paths, the plain side none.
        if (count >= 100) Assert.True(fastWriter.Written - fastBefore > count / 20, "the fast JSON writer hardly answered: the generator misses its shapes");
        Assert.Equal(plainBefore, plainWriter.Written);
    }

    // ---------------------------------------------------------------- comparing

    private async Task<string?> Difference(Request request) => (await Compare(request)).Difference;

    // The difference between the two answers, if any; the plain answer's status and its nextLink (as a path and query).
    private async Task<(string? Difference, int Status, string? Next)> Compare(Request request)
    {
        var fast = await Send(hosts.FastClient, request);
        var plain = await Send(hosts.PlainClient, request);
        // Alike is not enough: no client input may answer 5xx on either side.
        if (fast.Status >= 500 || plain.Status >= 500)
            return ($"status {fast.Status} (fast), {plain.Status} (plain): fast {Excerpt(fast.Body)} | plain {Excerpt(plain.Body)}", plain.Status, null);
        if (fast.Status != plain.Status)
            return ($"status {fast.Status} (fast) ≠ {plain.Status} (plain): fast {Excerpt(fast.Body)} | plain {Excerpt(plain.Body)}", plain.Status, null);
        foreach (var name in fast.Headers.Keys.Union(plain.Headers.Keys, StringComparer.OrdinalIgnoreCase).Where(n => !Unrelated.Contains(n)).Order(StringComparer.OrdinalIgnoreCase))
        {
            var (a, b) = (fast.Headers.GetValueOrDefault(name), plain.Headers.GetValueOrDefault(name));
            if (a != b) return ($"header {name}: '{a ?? "(none)"}' (fast) ≠ '{b ?? "(none)"}' (plain)", plain.Status, null);
        }
        // A compressed body's bytes depend on where its writer flushed: the content is what must be the same.
        if (fast.Headers.GetValueOrDefault("Content-Encoding") is { } encoding)
            (fast, plain) = (fast with { Body = Decompress(fast.Body, encoding) }, plain with { Body = Decompress(plain.Body, encoding) });
        if (fast.Headers.GetValueOrDefault(RequestId) is { Length: > 0 } fastId && plain.Headers.GetValueOrDefault(RequestId) is { } plainId)
            fast = fast with { Body = Replace(fast.Body, fastId, plainId) };
        if (fast.Body.AsSpan().SequenceEqual(plain.Body)) return (null, plain.Status, NextLink(plain));
        if (fast.Headers.GetValueOrDefault("Content-Type")?.StartsWith(XlsxEntityWriter.MediaType, StringComparison.Ordinal) == true && SameCells(fast.Body, plain.Body))
            return (null, plain.Status, null);
        var at = fast.Body.Zip(plain.Body).TakeWhile(p => p.First == p.Second).Count();
        return ($"bodies differ from byte {at} ({fast.Body.Length} and {plain.Body.Length} bytes): fast …{Around(fast.Body, at)}… | plain …{Around(plain.Body, at)}…", plain.Status, null);
    }

    private static string? NextLink(Answer answer)
    {
        if (answer.Status != 200 || answer.Headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true) return null;
        try
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(answer.Body) as System.Text.Json.Nodes.JsonObject;
            return (string?)(json?["@odata.nextLink"] ?? json?["@nextLink"]) is { } link ? new Uri(link).PathAndQuery : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static byte[] Decompress(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress),
            "br" => new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"Content-Encoding {encoding} is not one the generator asks for"),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Replace(byte[] body, string from, string to)
    {
        var (a, b) = (Encoding.UTF8.GetBytes(from), Encoding.UTF8.GetBytes(to));
        var at = body.AsSpan().IndexOf(a);
        if (at < 0) return body;
        return [.. body.AsSpan(0, at), .. b, .. Replace(body[(at + a.Length)..], from, to)];
    }

    private static bool SameCells(byte[] a, byte[] b)
    {
        var (x, y) = (XlsxWorkbook.Read(a), XlsxWorkbook.Read(b));
        return x.Count == y.Count && x.Zip(y).All(p => p.First.Name == p.Second.Name && p.First.Rows.Count == p.Second.Rows.Count
            && p.First.Rows.Zip(p.Second.Rows).All(r => r.First.SequenceEqual(r.Second)));
    }

    private sealed record Answer(int Status, Dictionary<string, string> Headers, byte[] Body);

    private static async Task<Answer> Send(HttpClient client, Request request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsByteArrayAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer((int)response.StatusCode, headers, body);
    }

    private static string Excerpt(byte[] body) => Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));

    private static string Around(byte[] body, int at) =>
        Encoding.UTF8.GetString(body, Math.Max(0, at - 60), Math.Min(body.Length, at + 60) - Math.Max(0, at - 60));

    // ---------------------------------------------------------------- the URLs of the tests

    // A string literal (not interpolated, not verbatim) that starts with /odata.
    private static readonly Regex ODataLiteral = new("(?<![$@\\w])\"(/odata[^\"\\\\{}]*)\"", RegexOptions.Compiled);

    private static List<string> TestSourceUrls() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => ODataLiteral.Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)];

    // ---------------------------------------------------------------- the generator

    /// <summary>Requests in the shapes the fast paths take, and their neighbours just outside them.</summary>
    private sealed class Generator(Random random, IEdmModel model, CatalogueSnapshot catalogue)
    {
        private static readonly string[] Sets = ["Provinces", "Documents", "Groups", "Units", "Frequencies", "Agencies", "Indicators", "CatalogueEntries", "Revisions"];

        private static readonly string[] Accepts =
        [
            "application/json", "*/*", "application/json;odata.metadata=minimal", "application/json; odata.metadata=none",
            "application/json;odata.metadata=full", "application/json;odata.metadata=minimal;odata.streaming=true",
            "text/csv", "text/csv;q=0.5, application/json", "application/json;q=0.4, text/csv", "application/*",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/json, text/plain", "text/html",
            "application/json;IEEE754Compatible=true", "application/json;odata.metadata=minimal;odata.streaming=false",
        ];

        private static readonly string[] Formats = ["csv", "xlsx", "json", "json;odata.metadata=none", "CSV", "text/csv", "application/json;odata.metadata=full"];

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private bool Chance(int percent) => random.Next(100) < percent;

        public Request Next()
        {
            var options = new List<string>();
            string path;
            IEdmEntityType type;
            var roll = random.Next(100);
            if (roll < 50)
            {
                path = (Chance(15) ? "/odata/v1/" : "/odata/") + "Targets";
                type = Type("Targets");
                options.AddRange(CollectionOptions(type, targets: true));
            }
            else if (roll < 62)
            {
                (path, var set) = Pick<(string, string)>(
                [
                    ($"/odata/Provinces('{Pick(catalogue.Provinces).Id}')/Targets", "Targets"),
                    ($"/odata/Indicators('{Pick(catalogue.Indicators).Id}')/Targets", "Targets"),
                    ($"/odata/Documents('{Pick(catalogue.Documents).Id}')/Targets", "Targets"),
                    ($"/odata/Documents('{Pick(catalogue.Documents).Id}')/CatalogueEntries", "CatalogueEntries"),
                    ($"/odata/Targets('{Pick(catalogue.Targets).Id}')/CoordinatingAgencies", "Agencies"),
                    ($"/odata/Indicators('{Pick(catalogue.Indicators).Id}')/Frequencies", "Frequencies"),
                ]);
                type = Type(set);
                options.AddRange(CollectionOptions(type, targets: false));
            }
            else if (roll < 78)
            {
                var set = Pick(Sets);
                path = "/odata/" + set;
                type = Type(set);
                options.AddRange(CollectionOptions(type, targets: false));
            }
            else if (roll < 92)
            {
                var target = Pick(catalogue.Targets);
                (path, var set) = Pick<(string, string)>(
                [
                    ($"/odata/Targets('{target.Id}')", "Targets"),
                    ($"/odata/Targets(Id='{target.Id}')", "Targets"),
                    ($"/odata/Targets('{target.Id}')/Province", "Provinces"),
                    ($"/odata/Targets('{target.Id}')/Indicator", "Indicators"),
                    ($"/odata/Targets('{target.Id}')/Document", "Documents"),
                    ($"/odata/Provinces('{Pick(catalogue.Provinces).Id}')", "Provinces"),
                    ($"/odata/Indicators('{Pick(catalogue.Indicators).Id}')", "Indicators"),
                    ("/odata/Targets('no-such-target')", "Targets"),
                ]);
                type = Type(set);
                if (Chance(60)) options.Add("$select=" + string.Join(",", Subset(Plain(type))));
                if (Chance(40) && Expansion(type) is { } expand) options.Add("$expand=" + expand);
            }
            else
            {
                path = Pick(["/odata/Targets/$count", "/odata/Provinces/$count", $"/odata/Provinces('{Pick(catalogue.Provinces).Id}')/Targets/$count"]);
                type = Type("Targets");
                if (Chance(70) && path.Contains("Targets", StringComparison.Ordinal)) options.Add("$filter=" + Filter());
            }
            if (path == "/odata/Targets" && Chance(8)) options = [.. options.Where(o => !o.StartsWith("$select", StringComparison.Ordinal) && !o.StartsWith("$expand", StringComparison.Ordinal)
                && !o.StartsWith("$search", StringComparison.Ordinal)), "$apply=" + Aggregation()];
            if (Chance(12)) options.Add("$format=" + Pick(Formats));
            var headers = new List<(string, string)>();
            if (Chance(35)) headers.Add(("Accept", Pick(Accepts)));
            if (Chance(15)) headers.Add(("Prefer", Pick([$"odata.maxpagesize={random.Next(1, 130)}", $"maxpagesize={random.Next(1, 30)}", "odata.include-annotations=*", $"odata.maxpagesize={random.Next(1, 130)}, return=minimal", "odata.track-changes", $"odata.track-changes, odata.maxpagesize={random.Next(1, 130)}"])));
            if (Chance(8)) headers.Add(("OData-MaxVersion", Pick(["4.0", "4.01"])));
            if (Chance(5)) headers.Add(("Accept-Encoding", Pick(["gzip", "br"])));
            return new Request(path + (options.Count == 0 ? "" : "?" + string.Join("&", options)), headers, Chance(4) ? "HEAD" : "GET");
        }

        // $apply's groups (keyed by the compiled shapes' own comparer) and aggregates, alone or after a filter.
        private string Aggregation()
        {
            var keys = string.Join(",", new[] { "ProvinceId", "Year", "Comparator", "DocumentId", "UnitId", "Province/Name", "Indicator/GroupId" }.OrderBy(_ => random.Next()).Take(random.Next(1, 3)));
            var aggregate = Pick(["$count as C", "Lower with sum as S", "Upper with max as M,$count as C", "Lower with average as A"]);
            var apply = Chance(70) ? $"groupby(({keys}),aggregate({aggregate}))" : Chance(50) ? $"groupby(({keys}))" : $"aggregate({aggregate})";
            return Chance(30) ? $"filter({Term()})/{apply}" : apply;
        }

        private IEdmEntityType Type(string set) => model.EntityContainer.FindEntitySet(set).EntityType;

        private IEnumerable<string> CollectionOptions(IEdmEntityType type, bool targets)
        {
            if (targets ? Chance(75) : Chance(25)) yield return "$filter=" + (targets ? Filter() : OtherFilter(type));
            if (Chance(50)) yield return "$select=" + string.Join(",", Subset(Plain(type)));
            if (Chance(35) && Expansion(type) is { } expand) yield return "$expand=" + expand;
            if (Chance(30)) yield return "$top=" + Pick([0, 1, 2, 5, 10, 99, 100, 101, 150, 250, 1000]);
            if (Chance(20)) yield return "$skip=" + Pick([0, 1, 3, 50, 99, 100, 101, 200, 5000]);
            if (Chance(25)) yield return "$count=" + (Chance(80) ? "true" : "false");
            if (Chance(20)) yield return "$orderby=" + string.Join(",", Subset(Plain(type).Where(p => !p.EndsWith("Ids", StringComparison.Ordinal) && p != "Spellings").ToList()).Take(2)
                .Select(p => Chance(40) ? p + " desc" : p));
            if (Chance(8)) yield return "$search=" + Pick(["bac si", "duong", "GRDP", "tỷ đồng", "nong thon moi", "xa -huyen", "\"thu nhap\""]);
        }

        private string Filter()
        {
            var terms = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Term()).ToList();
            var filter = terms[0];
            foreach (var term in terms.Skip(1)) filter = Chance(75) ? $"{filter} and {term}" : Chance(50) ? $"{filter} or {term}" : $"({filter}) and {term}";
            return Chance(5) ? $"not ({filter})" : filter;
        }

        // The indexed equalities most of the time, one side or the other; else predicates the index knows nothing of.
        private string Term()
        {
            var target = Pick(catalogue.Targets);
            var years = catalogue.TargetsByYear.Keys.Order().ToList();
            return random.Next(22) switch
            {
                0 or 1 or 2 => $"ProvinceId eq '{(Chance(90) ? Pick(catalogue.Provinces).Id : "VN-99")}'",
                3 or 4 or 5 => $"Year eq {(Chance(90) ? Pick(years) : 1999)}",
                6 or 7 => $"IndicatorId eq '{target.IndicatorId ?? "none"}'",
                8 or 9 => $"DocumentId eq '{target.DocumentId}'",
                10 => $"'{Pick(catalogue.Provinces).Id}' eq ProvinceId",
                11 => $"{Pick(years)} eq Year",
                12 => "ProvinceId eq null",
                13 => $"ProvinceId ne '{Pick(catalogue.Provinces).Id}'",
                14 => $"Lower gt {random.Next(0, 100)}",
                15 => $"Comparator eq '{Pick(["Between", "Equal", "GreaterOrEqual", "Qualitative"])}'",
                16 => $"contains(SourceLabel,'{Pick(["Tỷ", "lệ", "GRDP", "xã", "%"])}')",
                17 => $"Year ge {Pick(years)}",
                18 => "IsHeading eq false",
                19 => $"Upper le {random.Next(1, 1000)}",
                20 => "UnitId ne null",
                _ => $"Id eq '{target.Id}'",
            };
        }

        private string OtherFilter(IEdmEntityType type) => random.Next(3) switch
        {
            0 => "Id ne 'x'",
            1 when type.FindProperty("Name") is not null => "contains(Name,'a')",
            _ => $"startswith(Id,'{(Chance(50) ? "v" : "a")}')",
        };

        private static List<string> Plain(IEdmEntityType type) => [.. type.StructuralProperties().Select(p => p.Name)];

        private List<string> Subset(List<string> names)
        {
            var count = random.Next(1, Math.Min(names.Count, 6) + 1);
            var chosen = names.OrderBy(_ => random.Next()).Take(count).ToList();
            if (Chance(5)) chosen.Add(chosen[0]);   // a property named twice
            if (Chance(4)) chosen.Add("*");
            return chosen;
        }

        // One or two navigations, single-valued mostly, each with a $select of its own some of the time.
        private string? Expansion(IEdmEntityType type)
        {
            var navigations = type.NavigationProperties().ToList();
            if (navigations.Count == 0) return null;
            var single = navigations.Where(n => !n.Type.IsCollection()).ToList();
            var chosen = (single.Count > 0 && Chance(85) ? single : navigations).OrderBy(_ => random.Next()).Take(random.Next(1, 3));
            return string.Join(",", chosen.Select(n =>
            {
                var target = n.ToEntityType();
                if (!Chance(65)) return n.Name;
                var inner = "$select=" + string.Join(",", Subset(Plain(target)).Take(3));
                // Its own $top (within a page, a page, past one), $skip and $count.
                if (n.Type.IsCollection() && Chance(30)) inner += ";$top=" + Pick([0, 1, 2, 100, 101, 150]);
                if (n.Type.IsCollection() && Chance(15)) inner += ";$skip=" + Pick([1, 5, 120]);
                if (n.Type.IsCollection() && Chance(15)) inner += ";$count=" + (Chance(80) ? "true" : "false");
                // A collection's own $filter, alone or with the $select: the plan writes these, as the library pages them.
                if (n.Type.IsCollection() && Chance(40))
                    inner = (Chance(50) ? "" : inner + ";") + "$filter=" + (target.Name == "Target" ? Filter() : OtherFilter(target));
                // The expanded entities' own single-valued expansion, with its own $select or not.
                if (Chance(25) && target.NavigationProperties().Where(t => !t.Type.IsCollection()).ToList() is { Count: > 0 } deeper)
                {
                    var next = Pick(deeper);
                    inner += ";$expand=" + next.Name + (Chance(50) ? "" : "($select=" + string.Join(",", Subset(Plain(next.ToEntityType())).Take(2)) + ")");
                }
                if (n.Type.IsCollection() && Chance(30))
                    inner += ";$orderby=" + Pick(target.StructuralProperties().Where(p => !p.Type.IsCollection()).Select(p => p.Name).ToList()) + (Chance(50) ? " desc" : "");
                return $"{n.Name}({inner})";
            }));
        }
    }
}
