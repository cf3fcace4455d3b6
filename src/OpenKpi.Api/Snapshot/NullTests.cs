using System.Linq.Expressions;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// The library's null propagation tests each string function's result for null before using it, by computing it:
/// <c>contains(concat(concat(a,b),c),'x')</c> becomes <c>IIF(IIF(IIF(a == null || b == null, null, Concat(a, b)) == null || c == null, null,
/// Concat(…)) == null || 'x' == null, null, Concat(…).Contains('x'))</c>, so the inner concat is made once for every test above it and
/// again for the value: twice as many strings at each level of nesting. A string function's result is null only where the propagation made it so, so
/// <c>IIF(t, null, f) == null</c> is <c>t</c> (or <c>f == null</c>, where f may be null itself), and <c>Concat(…) == null</c>
/// is false: each string is made once, for its value. Results are the same row for row.
/// </summary>
internal static class NullTests
{
    public static Expression Rewrite(Expression expression) => new Rewriter().Visit(expression);

    // string.Concat never answers null; the case functions and Trim answer null only for a null receiver, which the
    // propagation has tested before it calls them (and which would throw, not answer null).
    private static readonly HashSet<string> NeverNullMethods = [nameof(string.Concat), nameof(string.ToLower), nameof(string.ToUpper), nameof(string.Trim)];

    private sealed class Rewriter : ExpressionVisitor
    {
        protected override Expression VisitBinary(BinaryExpression node)
        {
            var visited = base.VisitBinary(node);
            if (visited is not BinaryExpression { NodeType: ExpressionType.Equal or ExpressionType.NotEqual } comparison || !IsNullComparison(comparison)) return visited;
            var value = IsNull(comparison.Right) ? comparison.Left : comparison.Right;
            if (NullWhen(value) is not { } test) return visited;
            return comparison.NodeType == ExpressionType.Equal ? test : Expression.Not(test);
        }

        // Reference equality or string's operator, with null on one side.
        private static bool IsNullComparison(BinaryExpression comparison) =>
            (comparison.Method is null || comparison.Method.DeclaringType == typeof(string))
            && (IsNull(comparison.Left) ^ IsNull(comparison.Right));

        // When the value is null, told without computing it; null where that cannot be told.
        private static Expression? NullWhen(Expression value) => value switch
        {
            MethodCallExpression { Method: { DeclaringType: var type, ReturnType: var returns, Name: var name } } when type == typeof(string) && returns == typeof(string) && NeverNullMethods.Contains(name)
                => Expression.Constant(false),
            ConditionalExpression { Type: var type, IfTrue: var ifNull, IfFalse: var otherwise, Test: var test } when type == typeof(string) && IsNull(ifNull) && NullWhen(otherwise) is { } otherwiseNull
                => otherwiseNull is ConstantExpression { Value: false } ? test : Expression.OrElse(test, otherwiseNull),
            _ => null,
        };

        private static bool IsNull(Expression e) =>
            e is ConstantExpression { Value: null } or DefaultExpression || e is UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand } && IsNull(operand);
    }
}
