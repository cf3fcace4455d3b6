using System.Linq.Expressions;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Groups of $apply=groupby that hold the source rows themselves rather than the library's per-row flattening wrappers.
/// For an aggregate of a property (<c>aggregate(Lower with sum as S)</c>) the library writes
/// <c>src.Select(x =&gt; new FlatteningWrapper { Source = x, GroupByContainer = … x.Lower … }).GroupBy(key).Select(g =&gt; aggregates of g)</c>:
/// every row's wrapper, its container and its boxed value then live in a group until the last group is aggregated, so
/// they outlive collections, which then pause every request (README, hostile-load benchmark). Here the groups hold the
/// rows, which the snapshot holds anyway,
/// and each aggregate reads the same wrapper, made again as it goes and dropped at once:
/// <c>src.GroupBy(x =&gt; key(wrap(x))).Select(g =&gt; aggregates of g.Select(wrap))</c>, the same groups in the same order
/// with the same values. A shape that uses a group otherwise than by its Key and its elements is left as it is.
/// </summary>
internal static class FlattenedGroups
{
    private static long _rewritten;

    /// <summary>How many groupings were rewritten, for tests and diagnostics.</summary>
    public static long Rewritten => Interlocked.Read(ref _rewritten);

    public static Expression Rewrite(Expression expression) => new Rewriter().Visit(expression);

    private sealed class Rewriter : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            return TryRewrite(visited) ?? visited;
        }

        // Select(GroupBy(Select(src, wrap), key), result) → Select(GroupBy(src, key ∘ wrap), result with g.Select(wrap)).
        private static Expression? TryRewrite(MethodCallExpression select)
        {
            if (!IsSelect(select, out var result)
                || select.Arguments[0] is not MethodCallExpression { Method.Name: nameof(Enumerable.GroupBy), Arguments.Count: 2 } groupBy
                || groupBy.Method.DeclaringType != typeof(Enumerable)
                || groupBy.Arguments[1] is not LambdaExpression { Parameters.Count: 1 } key
                || groupBy.Arguments[0] is not MethodCallExpression flatten || !IsSelect(flatten, out var wrap)
                || Uncounted(wrap.Body) is not MemberInitExpression init || !IsFlattening(init, wrap.Parameters[0]))
                return null;
            var row = wrap.Parameters[0];
            wrap = Expression.Lambda(init, row);   // the rows were counted by the budget as their keys were computed
            var element = row.Type;
            var keyType = key.ReturnType;
            try
            {
                var rowKey = Expression.Lambda(new Inline(key.Parameters[0], init).Visit(key.Body), row);
                var groups = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.GroupBy), element, keyType), flatten.Arguments[0], rowKey);
                var group = Expression.Parameter(typeof(IGrouping<,>).MakeGenericType(keyType, element), result.Parameters[0].Name);
                var elements = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.Select), element, wrap.ReturnType), group, wrap);
                var body = new RegroupVisitor(result.Parameters[0], group, elements).Visit(result.Body);
                var rewritten = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.Select), group.Type, result.ReturnType), groups, Expression.Lambda(body, group));
                Interlocked.Increment(ref _rewritten);
                return rewritten;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return null;   // the group is used in a way the new form cannot take: the library's form stays
            }
        }

        private static bool IsSelect(MethodCallExpression call, out LambdaExpression selector)
        {
            selector = null!;
            if (call.Method.DeclaringType != typeof(Enumerable) || call.Method.Name != nameof(Enumerable.Select) || call.Arguments.Count != 2
                || call.Arguments[1] is not LambdaExpression { Parameters.Count: 1 } lambda) return false;
            selector = lambda;
            return true;
        }

        // new FlatteningWrapper<T> { Source = x, … }: the library's wrapper (internal to it, so known by its name).
        private static bool IsFlattening(MemberInitExpression init, ParameterExpression row) =>
            init.NewExpression.Type is { IsGenericType: true } type && type.GetGenericTypeDefinition().Name == "FlatteningWrapper`1"
            && init.Bindings.OfType<MemberAssignment>().Any(b => b.Member.Name == "Source" && b.Expression == row);

        // SafeEvaluation counts each row a Select makes for the time budget: QueryBudget.Counted(row).
        private static Expression Uncounted(Expression e) => SafeEvaluation.IsCounted(e, out var value) ? value : e;
    }

    // The key of a wrapper, read from the row: the wrapper's parameter replaced by its initializer, and a member the
    // initializer sets read from what it is set to (Source is the row), so that no wrapper is made for the key.
    private sealed class Inline(ParameterExpression wrapper, Expression init) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == wrapper ? init : node;

        protected override Expression VisitMember(MemberExpression node)
        {
            var target = Visit(node.Expression);
            if (target is MemberInitExpression initializer
                && initializer.Bindings.OfType<MemberAssignment>().FirstOrDefault(b => b.Member == node.Member) is { } binding)
                return binding.Expression;
            return node.Update(target);
        }
    }

    // The aggregates' body over the new group: its Key as before, its elements as the wrappers made again.
    private sealed class RegroupVisitor(ParameterExpression old, ParameterExpression group, Expression elements) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression == old && node.Member.Name == "Key" ? Expression.Property(group, "Key") : base.VisitMember(node);

        // Any other use of the group stands for its elements; where a grouping itself is needed, the rewrite fails and is dropped.
        protected override Expression VisitParameter(ParameterExpression node) => node == old ? elements : node;
    }
}
