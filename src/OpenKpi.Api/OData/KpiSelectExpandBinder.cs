using System.Linq.Expressions;
using Microsoft.AspNetCore.OData.Query.Expressions;
using Microsoft.OData.UriParser;

namespace OpenKpi.Api.OData;

/// <summary>
/// $expand of a collection keeps the collection's own order: a target's LeadAgencies as printed (the order of
/// LeadAgencyIds), a document's rows as published. The library sorts every nested collection by its key whenever the
/// answer is paged or the expansion has $top/$skip, with no setting to stop it (EnsureStableOrdering governs the top
/// level only, and the method that adds the sort is internal); the snapshot's collections have a fixed order, so nested
/// pages are stable without it. A nested $orderby is kept as asked.
/// </summary>
public sealed class KpiSelectExpandBinder(IFilterBinder filterBinder, IOrderByBinder orderByBinder) : SelectExpandBinder(filterBinder, orderByBinder)
{
    public override Expression BindSelectExpand(SelectExpandClause selectExpandClause, QueryBinderContext context)
    {
        var projection = base.BindSelectExpand(selectExpandClause, context);
        var ordered = new HashSet<(string, string)>();
        CollectOrdered(selectExpandClause, ordered);
        return new KeyOrderRemover(ordered).Visit(projection);
    }

    // The navigations (declaring type, name) that some $expand sorts with its own $orderby: their sort is the client's.
    private static void CollectOrdered(SelectExpandClause? clause, HashSet<(string, string)> ordered)
    {
        foreach (var item in clause?.SelectedItems.OfType<ExpandedNavigationSelectItem>() ?? [])
        {
            var navigation = ((NavigationPropertySegment)item.PathToNavigationProperty.LastSegment).NavigationProperty;
            if (item.OrderByOption is not null) ordered.Add((((Microsoft.OData.Edm.IEdmSchemaElement)navigation.DeclaringType).Name, navigation.Name));
            CollectOrdered(item.SelectAndExpand, ordered);
        }
    }

    // Drops Enumerable.OrderBy/ThenBy by a property of the element when what it sorts is a navigation no $orderby names.
    private sealed class KeyOrderRemover(HashSet<(string Type, string Name)> ordered) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            return visited.Method.DeclaringType == typeof(Enumerable) && visited.Method.Name is "OrderBy" or "ThenBy"
                && visited.Arguments is [var collection, LambdaExpression { Body: MemberExpression { Expression: ParameterExpression } }]
                && NavigationOf(collection) is { Expression: { } owner } navigation && !ordered.Contains((owner.Type.Name, navigation.Member.Name))
                ? collection
                : visited;
        }

        // The navigation property a nested collection reads: owner.Navigation, under the library's null test and $filter.
        private static MemberExpression? NavigationOf(Expression collection) => collection switch
        {
            MemberExpression member => member,
            ConditionalExpression condition => NavigationOf(condition.IfFalse),
            UnaryExpression { NodeType: ExpressionType.Convert } convert => NavigationOf(convert.Operand),
            MethodCallExpression { Method.Name: "Where" or "OrderBy" or "ThenBy" } call when call.Method.DeclaringType == typeof(Enumerable) => NavigationOf(call.Arguments[0]),
            _ => null,
        };
    }
}
