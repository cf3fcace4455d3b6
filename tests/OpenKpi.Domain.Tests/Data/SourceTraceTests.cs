using System.Text.Json.Nodes;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>Every curated fact traces to its source text: the published cells occur there, and each row stands on the line it names.</summary>
public sealed class SourceTraceTests
{
    private static readonly string[] VerbatimFields = ["label", "unit", "value", "leadAgency", "coordinatingAgencies", "scope", "frequency", "agency"];

    [Theory]
    [MemberData(nameof(CuratedTables.DocumentIds), MemberType = typeof(CuratedTables))]
    public void EveryPublishedCellOccursInTheSourceText(string documentId)
    {
        var table = CuratedTables.Of(documentId);
        var source = CuratedTables.Comparable(documentId, table.SourceText);
        var missing = new List<string>();
        foreach (var row in table.Rows)
        {
            foreach (var field in VerbatimFields)
            {
                if (row[field] is not JsonValue value) continue;
                var text = CuratedTables.Comparable(documentId, (string)value!);
                if (!source.Contains(text, StringComparison.Ordinal)) missing.Add($"{row["id"]}.{field}: '{value}'");
            }
        }
        Assert.True(missing.Count == 0, "Not in the source text:\n" + string.Join("\n", missing));
    }

    [Theory]
    [MemberData(nameof(CuratedTables.DocumentIds), MemberType = typeof(CuratedTables))]
    public void EveryNumberedRowStandsOnTheLineItNames(string documentId)
    {
        var table = CuratedTables.Of(documentId);
        var lines = table.SourceLines;
        var wrong = new List<string>();
        foreach (var row in table.Rows.Where(r => r["row"] is JsonValue))
        {
            var number = (string)row["row"]!;
            var line = (int)row["line"]!;
            var text = line >= 1 && line <= lines.Length ? lines[line - 1].Trim() : "";
            if (text != number && !text.StartsWith(number + " ", StringComparison.Ordinal) && !text.StartsWith(number + "\t", StringComparison.Ordinal))
                wrong.Add($"{row["id"]}: row '{number}' is not at the start of line {line} ('{text}')");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(CuratedTables.DocumentIds), MemberType = typeof(CuratedTables))]
    public void RowsFollowThePublishedOrderOfTheirLines(string documentId)
    {
        var lines = CuratedTables.Of(documentId).Rows.Select(r => (int)r["line"]!).ToList();

        Assert.Equal(lines.Order(), lines);
    }

    [Fact]
    public void EveryNumberedRowOfTheLangSonTableIsCuratedInOrder()
    {
        var table = CuratedTables.Of("ls-qd136-2024");
        // In this table a row number stands at the start of a line, alone or before its label.
        var published = table.SourceLines
            .Select((text, index) => (Match: System.Text.RegularExpressions.Regex.Match(text, @"^\s*(\d{1,2})(?:\s|$)"), Line: index + 1))
            .Where(x => x.Match.Success)
            .Select(x => (Row: x.Match.Groups[1].Value, x.Line))
            .ToList();

        var curated = table.Rows.Where(r => r["row"] is JsonValue).Select(r => ((string)r["row"]!, (int)r["line"]!)).ToList();

        Assert.Equal(published, curated);
        Assert.Equal(2, published.Count(p => p.Row == "12"));
        Assert.DoesNotContain(published, p => p.Row == "13");
    }

    [Fact]
    public void ALangSonRowWithoutAnAgencyPrintsNoneInTheSource()
    {
        // Rows 2-4 and 14 print no agency: none is assumed from a cell that the extracted text does not show merged.
        var table = CuratedTables.Of("ls-qd136-2024");
        var numbered = table.Rows.Where(r => r["row"] is JsonValue).ToList();
        var agencyWords = new System.Text.RegularExpressions.Regex(@"\b(Sở|Cục|UBND|Bảo hiểm|Ban Quản lý|Công an|Các sở)\b");
        var unprinted = new List<string>();
        for (var i = 0; i < numbered.Count; i++)
        {
            var from = (int)numbered[i]["line"]!;
            var to = i + 1 < numbered.Count ? (int)numbered[i + 1]["line"]! : table.SourceLines.Length + 1;
            if (!table.SourceLines[(from - 1)..(to - 1)].Any(agencyWords.IsMatch)) unprinted.Add((string)numbered[i]["row"]!);
        }
        var withoutAgency = numbered.Where(r => r["leadAgencyIds"]!.AsArray().Count == 0).ToList();

        Assert.Equal(["2", "3", "4", "14"], unprinted);
        Assert.Equal(unprinted, withoutAgency.Select(r => (string)r["row"]!));
        Assert.All(withoutAgency, r => Assert.Contains("served without a lead agency", (string?)r["note"]));
    }
}
