using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.AspNetCore.OData.Query.Wrapper;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// $apply=groupby grouped by the values its keys are made of rather than by the keys. The library's key is a wrapper
/// built for every row (<c>new GroupByWrapper { GroupByContainer = new … { Name = "Province", NestedValue = x.Province == null
/// ? null : new GroupByWrapper { … Value = x.Province.Name } } }</c>), whose equality builds a dictionary of its values, and
/// one more for each nested wrapper: ~1 KB a row, and every group's key kept with its dictionaries until the last row is read
/// (10,949 groups of Province/Name and Indicator/Name over 108,000 targets: ~100 MB made and ~23 MB promoted a request,
/// which paused every other request; README, hostile-load benchmark). Here the rows are grouped by a value tuple of the
/// key's leaves — every value it holds and every test that shapes it, each read only where the key reads it — and each
/// group's wrapper is made once, from its first row, as LINQ keeps the first row's key. Two rows have equal leaves exactly
/// when their wrappers are equal (the same shape, values equal by Equals, as the library compares them), so the groups,
/// their order and their keys are the library's. A key of another form, or of more than seven leaves, is left as it is.
/// </summary>
internal static class LeafGroupKeys
{
    private const int MaxLeaves = 7;
    private static long _rewritten;

    /// <summary>How many groupings were rewritten, for tests and diagnostics.</summary>
    public static long Rewritten => Interlocked.Read(ref _rewritten);

    public static Expression Rewrite(Expression expression) => new Rewriter().Visit(expression);

    /// <summary>The groups of <paramref name="groups"/>, each keyed by <paramref name="key"/> of its first row.</summary>
    public static IEnumerable<IGrouping<TKey, TElement>> Keyed<TLeaves, TKey, TElement>(IEnumerable<IGrouping<TLeaves, TElement>> groups, Func<TElement, TKey> key)
    {
        foreach (var group in groups)
            yield return new KeyedGroup<TKey, TElement>(key(group.First()), group);
    }

    private sealed class KeyedGroup<TKey, TElement>(TKey key, IEnumerable<TElement> elements) : IGrouping<TKey, TElement>
    {
        public TKey Key { get; } = key;
        public IEnumerator<TElement> GetEnumerator() => elements.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class Rewriter : ExpressionVisitor
    {
        private static readonly MethodInfo KeyedMethod = typeof(LeafGroupKeys).GetMethod(nameof(Keyed))!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            if (visited.Method.DeclaringType != typeof(Enumerable) || visited.Method.Name != nameof(Enumerable.GroupBy)
                || visited.Method.GetGenericArguments() is not [var element, var keyType] || visited.Arguments.Count != 2
                || !typeof(DynamicTypeWrapper).IsAssignableFrom(keyType)
                || visited.Arguments[1] is not LambdaExpression { Parameters: [var row] } key)
                return visited;
            var leaves = new List<Expression>();
            // SafeEvaluation counts each row's key for the time budget: the tuple is counted instead.
            var counted = SafeEvaluation.IsCounted(key.Body, out var built);
            if (!Collect(built, row, guard: null, leaves) || leaves.Count is 0 or > MaxLeaves) return visited;
            var tuple = counted ? SafeEvaluation.Counted(Tuple(leaves)) : Tuple(leaves);
            var groups = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.GroupBy), element, tuple.Type), visited.Arguments[0], Expression.Lambda(tuple, row));
            Interlocked.Increment(ref _rewritten);
            return Expression.Call(KeyedMethod.MakeGenericMethod(tuple.Type, keyType, element), groups, key);
        }

        // The leaves of a key: below the wrappers and containers it builds (member initialisers, constructors, conditionals
        // choosing between them), every part that reads the row, each under the tests that lead to it. False when the key
        // builds a wrapper some other way.
        private static bool Collect(Expression e, ParameterExpression row, Expression? guard, List<Expression> leaves)
        {
            if (!Reads(e, row)) return true;
            if (!IsBuilt(e.Type))
            {
                leaves.Add(Guarded(Typed(e), guard));
                return true;
            }
            switch (e)
            {
                case MemberInitExpression init:
                    if (!Collect(init.NewExpression, row, guard, leaves)) return false;
                    foreach (var binding in init.Bindings)
                        if (binding is not MemberAssignment assignment || !Collect(assignment.Expression, row, guard, leaves)) return false;
                    return true;
                case NewExpression created:
                    return created.Arguments.All(a => Collect(a, row, guard, leaves));
                case ConditionalExpression choice:
                    leaves.Add(Guarded(choice.Test, guard));
                    return Collect(choice.IfTrue, row, And(guard, choice.Test), leaves)
                        && Collect(choice.IfFalse, row, And(guard, Expression.Not(choice.Test)), leaves);
                case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } convert when IsBuilt(convert.Operand.Type):
                    return Collect(convert.Operand, row, guard, leaves);
                default:
                    return false;
            }
        }

        // A type the library's keys are built of: its wrappers and property containers.
        private static bool IsBuilt(Type type) =>
            typeof(DynamicTypeWrapper).IsAssignableFrom(type) || type.Namespace == "Microsoft.AspNetCore.OData.Query.Container";

        // A value boxed for a container's object-typed property compares as itself (Equals of the box is the value's).
        private static Expression Typed(Expression e) =>
            e is UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand } && e.Type == typeof(object)
            && (operand.Type.IsValueType || operand.Type == typeof(string)) ? operand : e;

        private static Expression Guarded(Expression leaf, Expression? guard) =>
            guard is null ? leaf : Expression.Condition(guard, leaf, Expression.Default(leaf.Type));

        private static Expression And(Expression? guard, Expression test) => guard is null ? test : Expression.AndAlso(guard, test);

        private static Expression Tuple(List<Expression> leaves)
        {
            var type = Type.GetType("System.ValueTuple`" + leaves.Count)!.MakeGenericType([.. leaves.Select(l => l.Type)]);
            return Expression.New(type.GetConstructor([.. leaves.Select(l => l.Type)])!, leaves);
        }

        private static bool Reads(Expression e, ParameterExpression row)
        {
            var finder = new ParameterFinder(row);
            finder.Visit(e);
            return finder.Found;
        }
    }

    private sealed class ParameterFinder(ParameterExpression row) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == row) Found = true;
            return node;
        }
    }
}
