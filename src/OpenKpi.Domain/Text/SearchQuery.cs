namespace OpenKpi.Domain.Text;

/// <summary>
/// A search, as OData's $search states it: terms (a word or a quoted phrase) combined with AND, OR and
/// NOT. A term matches an entity when, folded (no marks, đ→d, y read as i), its words start a run of
/// the entity's folded words: "duong" finds "đường", "bac si" finds "bác sĩ" and "bác sỹ", "bac sinh"
/// finds "bác sinh" but "bac" alone does not find "abac".
/// </summary>
public abstract record SearchQuery
{
    public sealed record Term(string Text) : SearchQuery;
    public sealed record And(SearchQuery Left, SearchQuery Right) : SearchQuery;
    public sealed record Or(SearchQuery Left, SearchQuery Right) : SearchQuery;
    public sealed record Not(SearchQuery Operand) : SearchQuery;

    /// <summary>Every term, NOT ones included.</summary>
    public IEnumerable<Term> Terms() => this switch
    {
        Term term => [term],
        And and => and.Left.Terms().Concat(and.Right.Terms()),
        Or or => or.Left.Terms().Concat(or.Right.Terms()),
        Not not => not.Operand.Terms(),
        _ => [],
    };

    /// <summary>The terms a match contains (those not under NOT): the ones whose marks rank a match.</summary>
    public IEnumerable<Term> PositiveTerms() => this switch
    {
        Term term => [term],
        And and => and.Left.PositiveTerms().Concat(and.Right.PositiveTerms()),
        Or or => or.Left.PositiveTerms().Concat(or.Right.PositiveTerms()),
        _ => [],
    };

    /// <summary>Whether the entity whose search text is <paramref name="document"/> matches.</summary>
    public bool Matches(SearchDocument document) => this switch
    {
        Term term => SearchDocuments.StartsWords(document.Folded, SearchDocuments.Normalise(term.Text, fold: true)),
        And and => and.Left.Matches(document) && and.Right.Matches(document),
        Or or => or.Left.Matches(document) || or.Right.Matches(document),
        Not not => !not.Operand.Matches(document),
        _ => false,
    };
}
