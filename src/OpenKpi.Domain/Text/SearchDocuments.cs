using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Text;

/// <summary>The text a search looks in, kept twice: as written (lower case) and folded (no marks, đ→d); words joined by one space.</summary>
public sealed record SearchDocument(string Exact, string Folded);

/// <summary>
/// What $search matches, per entity: names in both languages, codes and published wording. The index
/// (<see cref="SearchIndex{T}"/>) holds it as words; a document is computed again only to check a phrase.
/// </summary>
public static class SearchDocuments
{
    public static SearchDocument Of(object entity)
    {
        var text = Joined(entity);
        return new SearchDocument(Normalise(text, fold: false), Normalise(text, fold: true));
    }

    /// <summary>One of the two texts of <see cref="Of"/>: a phrase is checked against one, and normalising is most of its cost.</summary>
    public static string Text(object entity, bool fold) => Normalise(Joined(entity), fold);

    private static string Joined(object entity) => string.Join(" ", FieldsOf(entity));

    /// <summary>
    /// A term as the search compares it: each run of letters and digits (with their marks), joined by one space, either
    /// canonical (lower case, the marks as typed, NFC and NFD alike), or folded with "y" read as "i" (both spellings are
    /// official: bác sĩ, bác sỹ).
    /// </summary>
    public static string Normalise(string text, bool fold) =>
        Words(fold ? VietnameseText.Fold(text).Replace('y', 'i') : VietnameseText.Canonical(text));

    /// <summary>True when <paramref name="term"/> (normalised) starts a run of the words of <paramref name="words"/>.</summary>
    public static bool StartsWords(ReadOnlySpan<char> words, string term)
    {
        if (term.Length == 0) return false;
        for (var from = 0; from < words.Length;)
        {
            var at = words[from..].IndexOf(term, StringComparison.Ordinal);
            if (at < 0) return false;
            at += from;
            if (at == 0 || words[at - 1] == ' ') return true;
            from = at + 1;
        }
        return false;
    }

    /// <summary>
    /// <see cref="Text"/> of one entity after another, for the phrase checks of one search: each field is normalised on its
    /// own (the same words, since normalising never joins characters across the space between fields) and kept in a small
    /// table by its text, so that labels, values and names, which repeat across provinces and years, are normalised once
    /// rather than once per entity. The table is a fixed number of slots, a field replacing whichever it falls on: a field
    /// seen once (an entity's id) costs no memory beyond its slot.
    /// </summary>
    public sealed class Texts(bool fold)
    {
        private const int Slots = 4096;
        private readonly (string? Field, string Words)[] _slots = new (string?, string)[Slots];
        private char[] _text = new char[512];

        public ReadOnlySpan<char> Of(object entity)
        {
            var length = 0;
            foreach (var field in FieldsOf(entity))
            {
                ref var slot = ref _slots[StringComparer.Ordinal.GetHashCode(field) & (Slots - 1)];
                if (!string.Equals(slot.Field, field, StringComparison.Ordinal)) slot = (field, Normalise(field, fold));
                var words = slot.Words;
                if (words.Length == 0) continue;
                if (_text.Length < length + words.Length + 1) Array.Resize(ref _text, Math.Max(_text.Length * 2, length + words.Length + 1));
                if (length > 0) _text[length++] = ' ';
                words.CopyTo(_text.AsSpan(length));
                length += words.Length;
            }
            return _text.AsSpan(0, length);
        }
    }

    /// <summary>The texts of an entity a search looks in; its document is their words, in this order.</summary>
    public static IEnumerable<string> FieldsOf(object entity) => Fields(entity).Where(f => !string.IsNullOrEmpty(f))!;

    private static IEnumerable<string?> Fields(object entity) => entity switch
    {
        Indicator i => [i.Id, i.Name, i.NameEn],
        Target t => [t.Id, t.SourceLabel, t.RawValue, t.SourceRow, t.PublishedUnit, t.IndicatorId, t.Indicator?.Name, t.Indicator?.NameEn],
        CatalogueEntry e => [e.Id, e.Code, e.SourceLabel, e.PublishedUnit, e.IndicatorId, e.Indicator?.Name, e.Indicator?.NameEn],
        Document d => [d.Id, d.Number, d.Title, d.Appendix, d.Issuer, d.Kind],
        Province p => [p.Id, p.Name, p.NameEn],
        Agency a => [a.Id, a.Name, a.NameEn],
        Group g => [g.Id, g.Name, g.NameEn],
        Unit u => [u.Id, u.Name, u.NameEn, .. u.Spellings],
        Frequency f => [f.Id, f.Name, f.NameEn],
        _ => [],
    };

    // Punctuation separates words ("bác sỹ/10.000" → "bác sỹ 10 000"), so a term matches whole words' starts.
    private static string Words(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || (!space && builder.Length > 0 && VietnameseText.IsMark(c)))   // a mark belongs to its letter's word
            {
                if (space && builder.Length > 0) builder.Append(' ');
                builder.Append(c);
                space = false;
            }
            else space = true;
        }
        return builder.ToString();
    }
}
