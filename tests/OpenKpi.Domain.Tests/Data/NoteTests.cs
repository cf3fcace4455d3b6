using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>Notes are read by people deciding what a record means: the records they name exist, and what they say of a link is the link.</summary>
public sealed partial class NoteTests
{
    /// <summary>Every note of every record in seeds/, with the record it belongs to.</summary>
    private static IEnumerable<(string File, JsonObject Record, string Note)> Notes() =>
        ReferenceLists.Records.Where(r => r.Record["note"] is JsonValue).Select(r => (r.File, r.Record, (string)r.Record["note"]!));

    [Fact]
    public void EveryIdANoteNamesIsARecordOfTheSeeds()
    {
        var ids = ReferenceLists.Records.Select(r => (string)r.Record["id"]!).ToHashSet(StringComparer.Ordinal);
        var named = Notes().SelectMany(n => NamedIds(n.Note).Select(id => (n.File, Id: (string)n.Record["id"]!, Named: id))).ToList();
        var unknown = named.Where(n => !ids.Contains(n.Named)).Select(n => $"{n.File} {n.Id}: names '{n.Named}', which no record has").ToList();

        Assert.Contains(named, n => n.Named == "urban-clean-water-access-rate");
        Assert.True(unknown.Count == 0, string.Join("\n", unknown));
    }

    [Fact]
    public void ANoteThatSaysWhereItsRowIsLinkedNamesTheRowsOwnIndicator()
    {
        var rows = CuratedTables.All.SelectMany(t => t.Rows).Where(r => r["note"] is JsonValue).ToList();
        var claims = rows.SelectMany(r => LinkedTo().Matches((string)r["note"]!).Select(m => (Row: r, Named: m.Groups["id"].Value))).ToList();
        var wrong = claims.Where(c => c.Named != (string?)c.Row["indicatorId"])
            .Select(c => $"{c.Row["id"]}: the note says linked to '{c.Named}', the row is linked to '{c.Row["indicatorId"]}'").ToList();

        Assert.NotEmpty(claims);
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void TheIdPatternTellsIdsFromHyphenatedWords()
    {
        Assert.Equal(["vl-qd999-2025-210", "urban-solid-waste-treatment-rate", "d000-so-tt-tt"],
            NamedIds("not to urban-solid-waste-treatment-rate, a sub-row, lines 63-65, per-capita, d000-so-tt-tt (`vl-qd999-2025-210`)."));
    }

    // A record id as notes write it: in backticks, or kebab-case of three words or more (every indicator, agency and
    // row id has that shape; the hyphenated English of notes, "sub-row", "per-capita", "63-65", has two parts).
    private static IEnumerable<string> NamedIds(string note) =>
        Backticked().Matches(note).Select(m => m.Groups[1].Value)
            .Concat(KebabId().Matches(Backticked().Replace(note, " ")).Select(m => m.Value).Where(id => id.Any(char.IsLetter)))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"`([^`\s]+)`")]
    private static partial Regex Backticked();

    [GeneratedRegex(@"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+){2,}(?![\w-])")]
    private static partial Regex KebabId();

    [GeneratedRegex(@"\blinked to (?<id>[a-z0-9]+(?:-[a-z0-9]+){2,})")]
    private static partial Regex LinkedTo();
}
