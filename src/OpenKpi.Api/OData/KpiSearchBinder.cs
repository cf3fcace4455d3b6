using System.Linq.Expressions;
using Microsoft.AspNetCore.OData.Query.Expressions;
using Microsoft.OData;
using Microsoft.OData.UriParser;
using OpenKpi.Domain.Text;

namespace OpenKpi.Api.OData;

/// <summary>
/// $search in Vietnamese without diacritics (see <see cref="SearchQuery"/>). Entity sets answer it from
/// their search index (<see cref="KpiQueryAttribute"/>); this binder is the library's way in, for any
/// collection the index does not hold, and both read the search through <see cref="Parse"/>.
/// </summary>
public sealed class KpiSearchBinder : ISearchBinder
{
    private static readonly System.Reflection.MethodInfo Matches = typeof(SearchQuery).GetMethod(nameof(SearchQuery.Matches))!;
    private static readonly System.Reflection.MethodInfo DocumentOf = typeof(SearchDocuments).GetMethod(nameof(SearchDocuments.Of))!;

    public Expression BindSearch(SearchClause searchClause, QueryBinderContext context)
    {
        var query = Parse(searchClause);
        var entity = Expression.Parameter(context.ElementClrType, "entity");
        var document = Expression.Call(DocumentOf, Expression.Convert(entity, typeof(object)));
        return Expression.Lambda(Expression.Call(Expression.Constant(query), Matches, document), entity);
    }

    /// <summary>The search as the domain reads it; a 400 (ODataException) past the term limit or for a term with nothing to look for.</summary>
    public static SearchQuery Parse(SearchClause clause)
    {
        var query = Read(clause.Expression);
        var terms = query.Terms().ToList();
        if (terms.Count > QueryLimits.MaxSearchTerms)
            throw new ODataException($"The $search has {terms.Count} terms; the limit (MaxSearchTerms) is {QueryLimits.MaxSearchTerms}.");
        if (terms.FirstOrDefault(t => SearchDocuments.Normalise(t.Text, fold: true).Length == 0) is { } empty)
            throw new ODataException($"The $search term '{empty.Text}' has no letter or digit to look for.");
        return query;
    }

    private static SearchQuery Read(SingleValueNode node) => node switch
    {
        SearchTermNode term => new SearchQuery.Term(term.Text),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and => new SearchQuery.And(Read(and.Left), Read(and.Right)),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } or => new SearchQuery.Or(Read(or.Left), Read(or.Right)),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } not => new SearchQuery.Not(Read(not.Operand)),
        _ => throw new ODataException($"$search does not support '{node.Kind}'."),
    };
}
