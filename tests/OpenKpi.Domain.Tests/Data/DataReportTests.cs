using System.Globalization;
using System.Text;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>
/// The README's data report is computed from seeds/, so it cannot drift from the data. After a change to
/// the seeds, `OPENKPI_UPDATE_README=1 dotnet test --filter FullyQualifiedName~DataReport` rewrites it.
/// </summary>
public sealed class DataReportTests
{
    private const string Start = "<!-- data-report: computed from seeds/ by DataReportTests -->\n";
    private const string End = "<!-- /data-report -->";

    [Fact]
    public void TheReadmeDataReportIsComputedFromTheSeeds()
    {
        var path = Path.Combine(RepositoryPaths.Root, "README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var from = readme.IndexOf(Start, StringComparison.Ordinal);
        var to = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, "README.md has no data-report markers");

        var report = Report(SeedImporter.Load(RepositoryPaths.Seeds));
        var current = readme[(from + Start.Length)..to];
        if (current != report && Environment.GetEnvironmentVariable("OPENKPI_UPDATE_README") == "1")
            File.WriteAllText(path, readme[..(from + Start.Length)] + report + readme[to..]);

        Assert.Equal(report, current);
    }

    private static string Report(CatalogueData data)
    {
        var text = new StringBuilder();
        text.Append("| document | source | province | rows | numbered | sub-rows | running text | headings |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var document in data.Documents.OrderBy(d => d.SourceFile, StringComparer.Ordinal))
        {
            var province = document.ProvinceId ?? "not stated";
            if (document.Shape == DocumentShape.Catalogue)
            {
                var entries = data.CatalogueEntries.Where(e => e.DocumentId == document.Id).ToList();
                text.Append(CultureInfo.InvariantCulture, $"| `{document.Id}` | `{document.SourceFile}` | {province} | {entries.Count} catalogue entries | {entries.Count} | – | – | {entries.Count(e => e.IsHeading)} |\n");
                continue;
            }
            var rows = data.Targets.Where(t => t.DocumentId == document.Id).ToList();
            text.Append(CultureInfo.InvariantCulture,
                $"| `{document.Id}` | `{document.SourceFile}` | {province} | {rows.Count} targets | {rows.Count(r => r.SourceRow is not null)} | {rows.Count(r => r.SourceRow is null && r.SourceParagraph is null)} | {rows.Count(r => r.SourceParagraph is not null)} | {rows.Count(r => r.IsHeading)} |\n");
        }

        var comparators = data.Targets.GroupBy(t => t.Comparator?.ToString() ?? "no value")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} `{g.Key}`"));
        text.Append(CultureInfo.InvariantCulture, $"\nTargets per comparator: {string.Join(", ", comparators)} ({data.Targets.Count} in all).\n");

        var rowsByIndicator = data.Targets.Select(t => (t.IndicatorId, t.DocumentId, t.ProvinceId))
            .Concat(data.CatalogueEntries.Select(e => (e.IndicatorId, e.DocumentId, e.ProvinceId)))
            .Where(r => r.IndicatorId is not null)
            .GroupBy(r => r.IndicatorId!)
            .ToDictionary(g => g.Key, g => g.ToList());
        var shared = rowsByIndicator.Where(g => g.Value.Select(r => r.DocumentId).Distinct().Count() >= 2)
            .OrderByDescending(g => g.Value.Select(r => r.DocumentId).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var acrossProvinces = shared.Count(g => g.Value.Select(r => r.ProvinceId).OfType<string>().Distinct().Count() >= 2);
        text.Append(CultureInfo.InvariantCulture,
            $"\nIndicators: {data.Indicators.Count}; shared by two or more documents: {shared.Count}, of which {acrossProvinces} by two or more named provinces:\n");
        foreach (var (indicator, rows) in shared)
        {
            var documents = string.Join(", ", rows.Select(r => r.DocumentId).Distinct().Order(StringComparer.Ordinal));
            var provinces = rows.Select(r => r.ProvinceId).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            text.Append(CultureInfo.InvariantCulture, $"- `{indicator}`: {documents}{(provinces.Count >= 2 ? $" ({string.Join(", ", provinces)})" : "")}\n");
        }

        var qualitative = data.Targets.Where(t => t.Comparator == Comparator.Qualitative).OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        text.Append(CultureInfo.InvariantCulture, $"\nQualitative targets ({qualitative.Count}):\n");
        foreach (var target in qualitative)
            text.Append(CultureInfo.InvariantCulture, $"- `{target.Id}` {target.SourceLabel}: \"{target.RawValue}\"\n");

        // The revision log: what each revision did to each set, and how many of today's records it last changed.
        var sets = CatalogueSets.All;
        text.Append("\nRecords per revision (added / changed / removed, then how many of today's records it last changed):\n\n");
        text.Append("| revision | published | " + string.Join(" | ", sets.Select(s => s.Name)) + " |\n");
        text.Append("|---|---|" + string.Concat(sets.Select(_ => "---:|")) + "\n");
        foreach (var revision in data.Revisions)
        {
            var cells = sets.Select(set =>
            {
                var changes = revision.Changes.FirstOrDefault(c => c.Set == set.Name);
                var current = set.Records(data).Count(r => (string?)r.GetType().GetProperty("RevisionId")!.GetValue(r) == revision.Id);
                return $"{changes?.Added.Length ?? 0} / {changes?.Changed.Length ?? 0} / {changes?.Removed.Length ?? 0}, {current}";
            });
            text.Append(CultureInfo.InvariantCulture, $"| {revision.Id} | {revision.PublishedOn:yyyy-MM-dd} | {string.Join(" | ", cells)} |\n");
        }
        return text.ToString();
    }
}
