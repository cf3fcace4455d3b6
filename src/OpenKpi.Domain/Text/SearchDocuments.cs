using System.Runtime.CompilerServices;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Text;

/// <summary>The text a search looks in, kept twice: as written (lower case) and folded (no marks, đ→d).</summary>
public sealed record SearchDocument(string Exact, string Folded);

/// <summary>
/// What $search matches, per entity: names in both languages, codes and published wording. Computed
/// once per entity instance (the snapshot's entities live as long as the process) and cached.
/// A term matches the start of a word, so "duong" finds "đường", and "bac si" finds "bác sĩ" and "bác sỹ".
/// </summary>
public static class SearchDocuments
{
    private static readonly ConditionalWeakTable<object, SearchDocument> Cache = new();

    public static SearchDocument Of(object entity) => Cache.GetValue(entity, Build);

    /// <summary>True when <paramref name="foldedTerm"/> (already folded) starts a word of the entity's folded text.</summary>
    public static bool Matches(object entity, string foldedTerm) => Contains(Of(entity).Folded, foldedTerm);

    /// <summary>True when the term, as typed with its marks, starts a word of the entity's text as written.</summary>
    public static bool MatchesExactly(object entity, string exactTerm) => Contains(Of(entity).Exact, exactTerm);

    /// <summary>
    /// A term as the search compares it: each run of letters and digits, joined by one space, either
    /// only lower-cased, or folded with "y" read as "i" (both spellings are official: bác sĩ, bác sỹ).
    /// </summary>
    public static string Normalise(string text, bool fold) =>
        Words(fold ? VietnameseText.Fold(text).Replace('y', 'i') : text.ToLowerInvariant());

    private static bool Contains(string words, string term) =>
        term.Length > 0 && (" " + words).Contains(" " + term, StringComparison.Ordinal);

    private static SearchDocument Build(object entity)
    {
        var text = string.Join(" ", Fields(entity).Where(f => !string.IsNullOrEmpty(f)));
        return new SearchDocument(Normalise(text, fold: false), Normalise(text, fold: true));
    }

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
            if (char.IsLetterOrDigit(c))
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
