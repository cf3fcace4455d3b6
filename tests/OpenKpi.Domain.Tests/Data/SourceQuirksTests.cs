using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>Each quirk of the sources listed in domain.md, handled on purpose.</summary>
public sealed class SourceQuirksTests
{
    private static JsonObject Row(string documentId, Func<JsonObject, bool> match) => CuratedTables.Of(documentId).Rows.Single(match);

    [Fact]
    public void AUnitOnItsOwnLineIsJoinedToItsCell()
    {
        var row = Row("001-chi-tieu-2024", r => (string?)r["row"] == "4");

        Assert.Equal("1.000 tỷ đồng", (string?)row["unit"]);
        Assert.Equal("vnd-trillion", (string?)row["unitId"]);
        Assert.Equal("124", (string?)row["value"]);
    }

    [Fact]
    public void AHeaderRepeatedAtAPageBreakIsNotARow()
    {
        Assert.All(CuratedTables.All.SelectMany(t => t.Rows), r =>
            Assert.DoesNotMatch(@"^(STT|TT|Stt)\b|^Chỉ tiêu$|Cơ quan chủ trì", (string)r["label"]!));
    }

    [Fact]
    public void RepeatedRowNumbersAreKeptInPublishedOrder()
    {
        var catalogue = CuratedTables.Of("vl-qd999-2025").Rows.Where(r => (string?)r["code"] == "D.4.1").ToList();
        var langSon = CuratedTables.Of("ls-qd136-2024").Rows.Where(r => (string?)r["row"] == "12").ToList();

        Assert.Equal(2, catalogue.Count);
        Assert.True((int)catalogue[0]["order"]! < (int)catalogue[1]["order"]!);
        Assert.Equal(2, langSon.Count);
        Assert.True((int)langSon[0]["order"]! < (int)langSon[1]["order"]!);
    }

    [Fact]
    public void LangSonsTargetsAreFor2024DespiteTheHeaderSaying2023()
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, "documents.json")))!.AsArray()
            .Single(d => (string)d!["id"]! == "ls-qd136-2024")!;

        Assert.Contains("Mục tiêu\n2023", CuratedTables.Of("ls-qd136-2024").SourceText);
        Assert.Equal(2024, (int)document["year"]!);
        Assert.All(CuratedTables.Of("ls-qd136-2024").Rows, r => Assert.Null(r["year"]));
        Assert.Contains("2023", (string)document["note"]!);
    }

    [Fact]
    public void TheLostLetterOIsRestoredInTheVinhLongCatalogue()
    {
        // The extraction left "Chỉ s ", "Th ng kê", "qu c gia", "T c độ": a lone "s", "Th ng", "qu c" or "T c" is the lost "ố".
        var broken = new Regex(@"(^|\s)[Ss](\s|$)|\bTh ng\b|\bqu c\b|\bT c\b|\bv n\b|\bkh i\b", RegexOptions.IgnoreCase);
        var texts = CuratedTables.Of("vl-qd999-2025").Rows
            .SelectMany(r => new[] { r["label"], r["unit"], r["agency"] }).OfType<JsonValue>().Select(v => (string)v!).ToList();

        Assert.Contains(texts, t => t.Contains("Thống kê", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.DoesNotMatch(broken, t));
    }

    [Fact]
    public void EveryRestoredOStandsWhereTheExtractionLeftAGap()
    {
        // The letter is restored only where the source has a gap: each "ố" of a curated cell must be an "ố"
        // or white space in the source, and the rest of the cell the source's own words.
        var source = CuratedTables.Of("vl-qd999-2025").SourceText;
        var restored = CuratedTables.Of("vl-qd999-2025").Rows
            .SelectMany(r => new[] { r["label"], r["unit"], r["scope"], r["frequency"], r["agency"] }).OfType<JsonValue>()
            .Select(v => (string)v!).Where(t => t.Contains('ố', StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(restored);
        Assert.All(restored, text =>
        {
            var pattern = string.Join(@"\s+", text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Regex.Escape)).Replace("ố", @"(?:ố|\s+)", StringComparison.Ordinal);
            Assert.Matches(new Regex(pattern), source);
        });
    }

    [Fact]
    public void ASentenceSplitAtAPageBreakIsReadAsOne()
    {
        // An earlier domain.md warned of lines of 004 cut short and marked "�". The text received has no such mark: its
        // sentences run on across page breaks instead, as in section II.2, whose targets stand on lines 51 and 53.
        var plan = CuratedTables.Of("bd-kh2023-2023");
        var sentence = plan.Rows.Where(r => (string?)r["paragraph"] == "II.2, đoạn 1").ToList();

        Assert.DoesNotContain('\uFFFD', plan.SourceText);
        Assert.Equal([51, 53, 53], sentence.Select(r => (int)r["line"]!));
        Assert.True(string.IsNullOrWhiteSpace(plan.SourceLines[51]), "line 52 is the page break between the two halves of the sentence");
        Assert.All(CuratedTables.All.SelectMany(t => t.Rows).SelectMany(r => r.Select(p => p.Value)).OfType<JsonValue>()
            .Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String), v => Assert.DoesNotContain('\uFFFD', (string)v!));
    }

    [Fact]
    public void ARowWithoutAValueStatesNoTarget()
    {
        var parIndex = Row("bd-kh2023-2023", r => (string?)r["row"] == "31");

        Assert.Null((string?)parIndex["value"]);
        Assert.Null(TargetValueParser.Parse((string?)parIndex["value"]).Comparator);
        Assert.False(string.IsNullOrWhiteSpace((string?)parIndex["note"]));
    }

    [Fact]
    public void ATargetInWordsOnlyIsQualitative()
    {
        var budget = Row("001-chi-tieu-2024", r => (string?)r["row"] == "5");

        Assert.Equal("Đạt dự toán được giao", (string?)budget["value"]);
        Assert.Equal(Comparator.Qualitative, TargetValueParser.Parse((string?)budget["value"]).Comparator);
    }

    [Fact]
    public void AValueWithAQualifierKeepsItsWords()
    {
        var row = Row("001-chi-tieu-2024", r => ((string?)r["value"])?.Contains("tổng số án khởi tố", StringComparison.Ordinal) == true);

        Assert.Equal(new ParsedTarget(Comparator.GreaterThan, 90m, null, "tổng số án khởi tố"), TargetValueParser.Parse((string?)row["value"]));
    }
    [Fact]
    public void AComparatorWordInTheLabelAndNotInTheValueIsReadInTheNote()
    {
        // "…khoảng" (about) ending 001 row 4's label, "còn" (reduced to) or "giảm" (falls) ending a label: the
        // comparator is read from the value cell alone, so each such row's note says how its label's word is read.
        var words = new Regex(@"\s(khoảng|trên|dưới|ít nhất|tối thiểu|tối đa|còn|giảm)$");
        var rows = CuratedTables.All.Where(t => t.Kind == "targets").SelectMany(t => t.Rows)
            .Where(r => r["value"] is JsonValue && words.IsMatch((string)r["label"]!)).ToList();

        Assert.Contains(rows, r => ((string)r["label"]!).EndsWith("khoảng", StringComparison.Ordinal));
        Assert.All(rows, r =>
        {
            var word = words.Match((string)r["label"]!).Groups[1].Value;
            var parsed = TargetValueParser.Parse((string)r["value"]!);
            Assert.Contains($"'{word}'", (string?)r["note"]);
            // A plain value cell keeps the comparator it prints (none: Equal), and the note says so, or it prints its own bound.
            if (parsed.Comparator == Comparator.Equal) Assert.Matches("Equal|a level", (string?)r["note"]);
        });
    }

    [Fact]
    public void ALabelEndingInReducedToOrFallsStatesALevelAndOneOpeningWithAFallStatesAReduction()
    {
        var targets = CuratedTables.All.Where(t => t.Kind == "targets").SelectMany(t => t.Rows).Where(r => r["value"] is JsonValue).ToList();
        var levels = targets.Where(r => Regex.IsMatch((string)r["label"]!, @"\s(còn|giảm)$")).ToList();
        var reductions = targets.Where(r => Regex.IsMatch((string)r["label"]!, @"^(Mức giảm|Giảm)\b")).ToList();

        Assert.NotEmpty(levels);
        Assert.NotEmpty(reductions);
        Assert.All(levels, r => { Assert.DoesNotContain("reduction", (string?)r["indicatorId"]); Assert.Contains("a level, not a fall", (string?)r["note"]); });
        Assert.All(reductions, r => Assert.Contains("reduction", (string?)r["indicatorId"]));
    }

    [Fact]
    public void NoTargetIsServedAsApproximatelyWhileNoValueCellSaysSo()
    {
        // The parser reads "khoảng" only in a value cell; no cell of the sources prints it, so Approximately is unused.
        var values = CuratedTables.All.SelectMany(t => t.Rows).Where(r => r["value"] is JsonValue).Select(r => (string)r["value"]!).ToList();
        var approximately = values.Where(v => TargetValueParser.Parse(v).Comparator == Comparator.Approximately).ToList();

        Assert.Equal(values.Where(v => Regex.IsMatch(v, @"^\s*(khoảng|≈|~)", RegexOptions.IgnoreCase)), approximately);
        Assert.Equal(Comparator.Equal, TargetValueParser.Parse((string?)Row("001-chi-tieu-2024", r => (string?)r["row"] == "4")["value"]).Comparator);
    }
}
