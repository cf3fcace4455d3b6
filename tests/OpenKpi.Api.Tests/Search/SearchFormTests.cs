using System.Text;
using System.Text.RegularExpressions;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Search;

/// <summary>
/// A search answers the same however its text was typed: precomposed (NFC), decomposed (NFD), in capitals. Without marks
/// it finds the same entities (ranked otherwise: matches that agree with the marks as typed come first).
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class SearchFormTests(KpiApplication app)
{
    // The seeds' own wording, per entity set: every seventh label, its first three words, and its second word alone
    // (a word finds labels whose marks differ, so the ranking by marks as typed shows).
    public static TheoryData<string, string> SeedLabels()
    {
        var data = new TheoryData<string, string>();
        var seen = new HashSet<(string, string)>();
        void Add(string set, IEnumerable<string?> labels)
        {
            foreach (var label in labels.OfType<string>().Where((_, i) => i % 7 == 0).Take(12))
            {
                var words = label.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var text in words.Length > 1 ? [string.Join(' ', words.Take(3)), words[1]] : words)
                    if (seen.Add((set, text))) data.Add(set, text);
            }
        }
        Add("Targets", SeedFiles.TargetRows.Select(r => (string?)r.Row["label"]));
        Add("CatalogueEntries", SeedFiles.CatalogueRows.Select(r => (string?)r.Row["label"]));
        Add("Indicators", SeedFiles.Records("indicators.json").Select(i => (string?)i["name"]));
        Add("Agencies", SeedFiles.Agencies.Select(a => (string?)a["name"]));
        return data;
    }

    [Theory]
    [MemberData(nameof(SeedLabels))]
    public async Task NfcNfdAndCapitalsFindTheSameInTheSameOrderAndWithoutMarksTheSameEntities(string set, string label)
    {
        var nfc = await Search(set, label);
        Assert.NotEmpty(nfc);   // the label's own entity at least

        Assert.Equal(nfc, await Search(set, Decomposed(label)));
        Assert.Equal(nfc, await Search(set, label.ToUpperInvariant()));
        Assert.Equal(nfc, await Search(set, Decomposed(label.ToUpperInvariant())));
        Assert.Equal(nfc.Order(StringComparer.Ordinal), (await Search(set, Unmarked(label))).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("çong", "c", "o", "ng")]
    [InlineData("ñam", "n", "a", "m")]
    [InlineData("ÇONG", "c", "o", "ng")]
    public async Task LettersWithMarksOfOtherLanguagesFoldToTheirLetter(string term, string before, string vowel, string after)
    {
        // The seeds' labels with a word that starts with the term's letters under any Vietnamese marks ("công", "cộng", "năm" …).
        var vowels = VietnameseVowels[vowel];
        var word = new Regex($@"(^|[^\p{{L}}]){before}[{vowels}]{after}", RegexOptions.CultureInvariant);
        var expected = SeedFiles.TargetRows.Where(r => word.IsMatch(((string)r.Row["label"]!).ToLowerInvariant())).Select(r => (string)r.Row["id"]!).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);

        var found = await Search("Targets", term, phrase: false);

        Assert.Superset(expected.ToHashSet(), found.ToHashSet());   // the term also matches other fields (indicator names)
        Assert.Equal(found, await Search("Targets", Unmarked(term), phrase: false));
    }

    // The Vietnamese letters of each vowel, from the alphabet (the six tones on each of its vowel letters).
    private static readonly Dictionary<string, string> VietnameseVowels = new()
    {
        ["a"] = "aàáảãạăằắẳẵặâầấẩẫậ",
        ["o"] = "oòóỏõọôồốổỗộơờớởỡợ",
    };

    private async Task<List<string>> Search(string set, string text, bool phrase = true)
    {
        var search = Uri.EscapeDataString(phrase ? $"\"{text}\"" : text);
        var (rows, _) = await app.GetAllPages($"/odata/{set}?$search={search}&$select=Id");
        return rows.Select(r => (string)r["Id"]!).ToList();
    }

    // NFD without ICU (the tests run under invariant globalization too): the Vietnamese letters spelled out by hand.
    private static string Decomposed(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (Spelled.TryGetValue(c, out var spelled)) builder.Append(spelled);
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static string Unmarked(string text) =>
        new(Decomposed(text).Where(c => c is < '\u0300' or > '\u036F').Select(c => c switch { 'đ' => 'd', 'Đ' => 'D', 'ç' => 'c', 'Ç' => 'C', 'ñ' => 'n', _ => c }).ToArray());

    // Each vowel with its marks, as NFD writes it: the letter, then the vowel mark (circumflex 0302, breve 0306, horn 031B), then the tone.
    private static readonly Dictionary<char, string> Spelled = Build();

    private static Dictionary<char, string> Build()
    {
        var table = new Dictionary<char, string>();
        string[] tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"];
        (string Letters, char Base, string Mark)[] families =
        [
            ("aàáảãạ", 'a', ""), ("ăằắẳẵặ", 'a', "\u0306"), ("âầấẩẫậ", 'a', "\u0302"), ("eèéẻẽẹ", 'e', ""), ("êềếểễệ", 'e', "\u0302"),
            ("iìíỉĩị", 'i', ""), ("oòóỏõọ", 'o', ""), ("ôồốổỗộ", 'o', "\u0302"), ("ơờớởỡợ", 'o', "\u031B"), ("uùúủũụ", 'u', ""),
            ("ưừứửữự", 'u', "\u031B"), ("yỳýỷỹỵ", 'y', ""),
        ];
        foreach (var (letters, letter, mark) in families)
            for (var tone = 0; tone < tones.Length; tone++)
            {
                if (letters[tone] == letter) continue;
                // NFD orders the dot below (class 220) before the marks above (230); the horn (216) first of all.
                var marks = tone == 5 && mark is "\u0302" or "\u0306" ? tones[tone] + mark : mark + tones[tone];
                table[letters[tone]] = letter + marks;
                table[char.ToUpperInvariant(letters[tone])] = char.ToUpperInvariant(letter) + marks;
            }
        return table;
    }
}
