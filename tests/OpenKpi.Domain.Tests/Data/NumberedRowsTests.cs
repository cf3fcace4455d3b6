using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>
/// Every numbered row of every target table is in the curated data, by row number, line and order.
/// The published numbers are read from the source texts here, independently of the curation.
/// </summary>
public sealed partial class NumberedRowsTests
{
    [Theory]
    [InlineData("000-phu-luc-3-2024")]
    [InlineData("001-chi-tieu-2024")]
    public void ASequentiallyNumberedTableIsCuratedRowForRow(string documentId)
    {
        var table = CuratedTables.Of(documentId);
        var published = SequentialRows(table.SourceLines);

        Assert.Equal(published, Numbered(table));
    }

    [Fact]
    public void TheBinhDuongAppendixIsCuratedWithItsOwnGapsAndRepeats()
    {
        var table = CuratedTables.Of("bd-kh2023-2023");
        var lines = table.SourceLines;
        var start = Array.FindIndex(lines, l => l.StartsWith("## Phụ lục II", StringComparison.Ordinal));
        // A row of the tab-separated appendix: its number, a tab, then its label (the column-numbering line has no label).
        var published = lines.Select((text, index) => (Match: TabRow().Match(text), Line: index + 1))
            .Where(x => x.Line > start && x.Match.Success)
            .Select(x => (x.Match.Groups[1].Value, x.Line))
            .ToList();

        Assert.Equal(published, Numbered(table).Where(r => r.Line > start));
        Assert.Equal(32, published.Count);
        Assert.DoesNotContain(published, r => r.Item1 is "12" or "13");
        Assert.Equal(2, published.Count(r => r.Item1 == "18"));
        Assert.Equal(2, published.Count(r => r.Item1 == "19"));
    }

    [Fact]
    public void TheBinhDuongRunningTextTargetsSayWhereTheyStand()
    {
        var rows = CuratedTables.Of("bd-kh2023-2023").Rows.Where(r => r["row"] is null && r["parentId"] is null).ToList();

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Matches(@"^II\.\d+", (string)r["paragraph"]!));
    }

    // Numbers 1, 2, 3 … each taken at the first line after the previous one that starts with it;
    // a value such as "24" or "150" standing at a line start earlier or later is not taken.
    private static List<(string, int)> SequentialRows(string[] lines)
    {
        var rows = new List<(string, int)>();
        var expected = 1;
        for (var i = 0; i < lines.Length; i++)
        {
            var match = LeadingNumber().Match(lines[i]);
            if (!match.Success || match.Groups[1].Value != expected.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
            rows.Add((match.Groups[1].Value, i + 1));
            expected++;
        }
        return rows;
    }

    private static List<(string, int Line)> Numbered(CuratedTables.Table table) =>
        table.Rows.Where(r => r["row"] is JsonValue).Select(r => ((string)r["row"]!, (int)r["line"]!)).ToList();

    [GeneratedRegex(@"^\s*(\d{1,2})(?:\s|$)")]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"^(\d{1,2})\t[^\t]")]
    private static partial Regex TabRow();
}
