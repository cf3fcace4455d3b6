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

    [Fact]
    public void TheVinhLongCatalogueIsCuratedRowForRowByItsOwnNumbering()
    {
        // domain.md once said "about 230 rows"; the numbering of the table itself gives the count.
        var table = CuratedTables.Of("vl-qd999-2025");
        var published = HierarchicalRows(table.SourceLines);

        Assert.Equal(published, Numbered(table));
        Assert.Equal(246, published.Count);
        Assert.Equal(2, published.Count(r => r.Item1 == "4.1" && r.Line > published.Last(p => p.Item1 == "D").Line));
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

    // 003's codes, read in order from its table header on: a group letter A-D, a section I, II, … within it, then
    // 1, 1.1, 5.1.1 …, each the next letter, the next section, a first child (".1") or the next number at some level
    // of the code above. Its one published repeat, 4.1 twice under D.4, is a code equal to the one before; a
    // number such as "12" in "12 năm trước" or "11 hằng năm" follows nothing and is not taken.
    private static List<(string, int Line)> HierarchicalRows(string[] lines)
    {
        string[] sections = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"];
        string? group = null, section = null, number = null;
        var rows = new List<(string, int Line)>();
        for (var i = Array.FindIndex(lines, l => l.StartsWith("Stt", StringComparison.Ordinal)); i < lines.Length; i++)
        {
            var match = CatalogueCode().Match(lines[i]);
            if (!match.Success) continue;
            var code = match.Groups[1].Value;
            var next = new HashSet<string>(StringComparer.Ordinal) { group is null ? "A" : ((char)(group[0] + 1)).ToString() };
            if (group is not null)
            {
                next.Add(section is null ? "I" : sections[Array.IndexOf(sections, section) + 1]);
                next.Add("1");
                if (number is not null)
                {
                    var parts = number.Split('.');
                    next.Add(number + ".1");
                    if (parts.Length > 1) next.Add(number);
                    for (var level = 0; level < parts.Length; level++)
                        next.Add(string.Join('.', parts[..level].Append((int.Parse(parts[level], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))));
                }
            }
            if (!next.Contains(code)) continue;
            if (code.Length == 1 && code[0] is >= 'A' and <= 'D') (group, section, number) = (code, null, null);
            else if (sections.Contains(code)) (section, number) = (code, null);
            else number = code;
            rows.Add((code, i + 1));
        }
        return rows;
    }

    private static List<(string, int Line)> Numbered(CuratedTables.Table table) =>
        table.Rows.Where(r => r["row"] is JsonValue).Select(r => ((string)r["row"]!, (int)r["line"]!)).ToList();

    [GeneratedRegex(@"^\s*(\d{1,2})(?:\s|$)")]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"^\s*([A-D]|[IVX]+|\d+(?:\.\d+)*)(?=\s|$)")]
    private static partial Regex CatalogueCode();

    [GeneratedRegex(@"^(\d{1,2})\t[^\t]")]
    private static partial Regex TabRow();
}
