using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace OpenKpi.Domain.Text;

/// <summary>
/// Text as search compares it, whatever form it arrives in (precomposed NFC, decomposed NFD, any case): folded —
/// lower case, decomposed by Unicode's canonical decompositions, marks dropped, đ/Đ to d — or canonical — the same
/// with the marks kept, each run of them in code-point order, so canonically equal spellings are one string. The
/// decompositions are a table of our own (<c>UnicodeDecompositions.txt</c>): under invariant globalization (the
/// project's setting, and small container images') <see cref="string.Normalize()"/> changes nothing, and Unicode
/// decomposition does not fold "đ".
/// </summary>
public static class VietnameseText
{
    private static readonly FrozenDictionary<int, int[]> Decompositions = ReadDecompositions();

    /// <summary>Lower case, decomposed, marks removed, đ/Đ to d, white space collapsed to one space.</summary>
    public static string Fold(string? text) => Normalise(text, keepMarks: false);

    /// <summary>Lower case, decomposed, the marks kept (each run in code-point order), white space collapsed: NFC and NFD input give the same string.</summary>
    public static string Canonical(string? text) => Normalise(text, keepMarks: true);

    /// <summary>Whether <paramref name="c"/> is a combining mark that a decomposition puts after its letter.</summary>
    public static bool IsMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    private static string Normalise(string? text, bool keepMarks)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var builder = new StringBuilder(text.Length);
        var space = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }
            if (space) builder.Append(' ');
            space = false;
            if (char.IsAscii(c))   // most of the text: no marks, no decomposition
            {
                builder.Append(char.ToLowerInvariant(c));
                continue;
            }
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            i += consumed - 1;
            if (rune.Value is >= HangulFirst and <= HangulLast) AppendHangul(builder, rune.Value);
            else if (rune.Value >= 0xC0 && Decompositions.TryGetValue(rune.Value, out var parts))
                foreach (var part in parts) Append(builder, new Rune(part), keepMarks);
            else Append(builder, rune, keepMarks);
        }
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Rune rune, bool keepMarks)
    {
        if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
        {
            if (keepMarks) AppendMark(builder, rune);
            return;
        }
        var lower = Rune.ToLowerInvariant(rune);
        if (!keepMarks && lower.Value == 'đ') lower = new Rune('d');
        AppendRune(builder, lower);
    }

    // Marks in code-point order within their run: canonical equivalence only reorders marks, so equal texts end up equal.
    private static void AppendMark(StringBuilder builder, Rune mark)
    {
        if (!mark.IsBmp)
        {
            AppendRune(builder, mark);
            return;
        }
        var at = builder.Length;
        while (at > 0 && builder[at - 1] > (char)mark.Value && IsMark(builder[at - 1])) at--;
        builder.Insert(at, (char)mark.Value);
    }

    private static void AppendRune(StringBuilder builder, Rune rune)
    {
        if (rune.IsBmp) builder.Append((char)rune.Value);
        else builder.Append(char.ConvertFromUtf32(rune.Value));
    }

    // Hangul syllables decompose by Unicode's arithmetic (chapter 3.12) into their jamo, which are letters.
    private const int HangulFirst = 0xAC00, HangulLast = 0xD7A3;

    private static void AppendHangul(StringBuilder builder, int syllable)
    {
        var index = syllable - HangulFirst;
        builder.Append((char)(0x1100 + index / 588)).Append((char)(0x1161 + index % 588 / 28));
        if (index % 28 != 0) builder.Append((char)(0x11A7 + index % 28));
    }

    private static FrozenDictionary<int, int[]> ReadDecompositions()
    {
        using var stream = typeof(VietnameseText).Assembly.GetManifestResourceStream("OpenKpi.Domain.Text.UnicodeDecompositions.txt")
            ?? throw new InvalidOperationException("The Unicode decomposition table is not embedded in OpenKpi.Domain.");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<int, int[]>();
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var points = line.Split(' ').Select(p => int.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
            table[points[0]] = points[1..];
        }
        return table.ToFrozenDictionary();
    }
}
