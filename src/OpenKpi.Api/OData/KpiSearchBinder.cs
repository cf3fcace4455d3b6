using System.Linq.Expressions;
using Microsoft.AspNetCore.OData.Query.Expressions;
using Microsoft.OData;
using Microsoft.OData.UriParser;
using OpenKpi.Domain.Text;

namespace OpenKpi.Api.OData;

/// <summary>
/// $search in Vietnamese without diacritics: every term (or quoted phrase) must start a word of the
/// entity's folded text; AND, OR, NOT and parentheses as OData defines them.
/// </summary>
public sealed class KpiSearchBinder : ISearchBinder
{
    private static readonly System.Reflection.MethodInfo Matches =
        typeof(SearchDocuments).GetMethod(nameof(SearchDocuments.Matches))!;

    public Expression BindSearch(SearchClause searchClause, QueryBinderContext context)
    {
        var terms = PositiveTerms(searchClause).Count;
        if (terms > QueryLimits.MaxSearchTerms)
            throw new ODataException($"The $search has {terms} terms; the limit (MaxSearchTerms) is {QueryLimits.MaxSearchTerms}.");
        var entity = Expression.Parameter(context.ElementClrType, "entity");
        return Expression.Lambda(Bind(searchClause.Expression, entity), entity);
    }

    private static Expression Bind(SingleValueNode node, ParameterExpression entity) => node switch
    {
        SearchTermNode term => Term(term.Text, entity),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and => Expression.AndAlso(Bind(and.Left, entity), Bind(and.Right, entity)),
        BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } or => Expression.OrElse(Bind(or.Left, entity), Bind(or.Right, entity)),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } not => Expression.Not(Bind(not.Operand, entity)),
        _ => throw new ODataException($"$search does not support '{node.Kind}'."),
    };

    private static Expression Term(string text, ParameterExpression entity)
    {
        var folded = SearchDocuments.Normalise(text, fold: true);
        if (folded.Length == 0) throw new ODataException($"The $search term '{text}' has no letter or digit to look for.");
        return Expression.Call(Matches, Expression.Convert(entity, typeof(object)), Expression.Constant(folded));
    }

    /// <summary>The terms of a search as typed (marks kept), for ranking exact matches first; NOT terms excluded.</summary>
    public static IReadOnlyList<string> PositiveTerms(SearchClause clause)
    {
        var terms = new List<string>();
        void Walk(SingleValueNode node)
        {
            switch (node)
            {
                case SearchTermNode term: terms.Add(SearchDocuments.Normalise(term.Text, fold: false)); break;
                case BinaryOperatorNode binary: Walk(binary.Left); Walk(binary.Right); break;
            }
        }
        Walk(clause.Expression);
        return terms;
    }
}
