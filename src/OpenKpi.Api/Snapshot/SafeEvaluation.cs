using System.Linq.Expressions;
using System.Reflection;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// What a query tree built by the OData library needs before it runs as LINQ to Objects over the snapshot:
/// <list type="bullet">
/// <item>integer arithmetic checked, so that <c>Year mul 2147483647</c> is an overflow (a 400), never a wrapped value;</item>
/// <item>a collection method over a null-propagated source (<c>IIF(Province == null, null, Province.Targets).OrderBy(…)</c>,
/// which the library builds for a nested $expand under a null navigation) moved inside the null test, so it reads as null;</item>
/// <item>a nested group of $apply=groupby((Province/Name)) null where its navigation is, not an entity whose key
/// properties are null (which the serializer refuses halfway through the answer);</item>
/// <item>every collection read through <see cref="QueryBudget.Guard{T}"/>, so the request's deadline and its client's
/// departure stop the enumeration;</item>
/// <item>an expanded collection read as its row is projected, not when the serializer reaches it: a nested
/// <c>$expand=Targets($filter=Year mul 2147483647 gt 0)</c> overflowed halfway through a 200, cutting it off; read here
/// it fails the request, a 400, before the answer starts.</item>
/// </list>
/// </summary>
internal sealed class SafeEvaluation : ExpressionVisitor
{
    public static Expression Apply(Expression expression) => new SafeEvaluation().Visit(expression);

    private static readonly MethodInfo GuardMethod = typeof(QueryBudget).GetMethod(nameof(QueryBudget.Guard))!;
    private static readonly MethodInfo GuardReadMethod = typeof(QueryBudget).GetMethod(nameof(QueryBudget.GuardRead))!;

    // The methods that read their source at once, where it is guarded (a lazy one's source may be read later, after the client left).
    private static readonly HashSet<string> ReadAtOnce =
        ["Any", "All", "Count", "LongCount", "Contains", "First", "FirstOrDefault", "Single", "SingleOrDefault", "Last", "LastOrDefault",
         "ElementAt", "ElementAtOrDefault", "Sum", "Min", "Max", "Average", "Aggregate", "ToList", "ToArray"];
    private static readonly MethodInfo CountedMethod = typeof(QueryBudget).GetMethod(nameof(QueryBudget.Counted))!;

    // The keys of OrderBy/ThenBy and GroupBy, and Select's rows, are computed by the lambda, each counted by the budget.
    private static readonly HashSet<string> KeyedMethods =
        ["OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "GroupBy", "Select"];

    /// <summary><paramref name="value"/> counted by the budget as an item read: <c>QueryBudget.Counted(value)</c>.</summary>
    internal static Expression Counted(Expression value) => Expression.Call(CountedMethod.MakeGenericMethod(value.Type), value);

    /// <summary>The value <see cref="Counted"/> counts, when <paramref name="e"/> is such a count.</summary>
    internal static bool IsCounted(Expression e, out Expression value)
    {
        value = e is MethodCallExpression { Method: { Name: nameof(QueryBudget.Counted), DeclaringType: var type }, Arguments: [var inner] } && type == typeof(QueryBudget) ? inner : e;
        return value != e;
    }

    protected override Expression VisitBinary(BinaryExpression node)
    {
        var visited = (BinaryExpression)base.VisitBinary(node);
        if (visited.Method is not null || !IsInteger(visited.Left.Type)) return visited;
        var kind = visited.NodeType switch
        {
            ExpressionType.Add => ExpressionType.AddChecked,
            ExpressionType.Subtract => ExpressionType.SubtractChecked,
            ExpressionType.Multiply => ExpressionType.MultiplyChecked,
            _ => visited.NodeType,
        };
        return kind == visited.NodeType ? visited : Expression.MakeBinary(kind, visited.Left, visited.Right, visited.IsLiftedToNull, null);
    }

    protected override Expression VisitUnary(UnaryExpression node)
    {
        var visited = (UnaryExpression)base.VisitUnary(node);
        return visited.NodeType == ExpressionType.Negate && visited.Method is null && IsInteger(visited.Operand.Type)
            ? Expression.NegateChecked(visited.Operand)
            : visited;
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var visited = (MethodCallExpression)base.VisitMethodCall(node);
        if (visited.Method.DeclaringType != typeof(Enumerable) || visited.Arguments.Count == 0) return visited;
        if (KeyedMethods.Contains(visited.Method.Name) && visited.Arguments is [_, LambdaExpression { Parameters.Count: 1 } key, ..])
            visited = visited.Update(null, [visited.Arguments[0],
                Expression.Lambda(key.Type, Counted(key.Body), key.Parameters), .. visited.Arguments.Skip(2)]);
        var source = visited.Arguments[0];
        var rest = visited.Arguments.Skip(1);

        // IIF(test, null, source).Method(…) → IIF(test, null, source.Method(…)), whatever the source's type (ThenBy's is ordered).
        if (Unconvert(source) is ConditionalExpression { IfTrue: ConstantExpression { Value: null } or DefaultExpression } nullable && !nullable.IfTrue.Type.IsValueType)
            return Expression.Condition(nullable.Test, Expression.Default(visited.Type),
                Visit(Expression.Call(visited.Method, [Expression.Convert(nullable.IfFalse, source.Type), .. rest])));

        if (SequenceElement(visited.Method.GetParameters()[0].ParameterType) is not { } element) return visited;
        // The innermost source of a chain of calls is the collection read.
        if (Unconvert(source) is MethodCallExpression { Method.DeclaringType: var declaring } && (declaring == typeof(Enumerable) || declaring == typeof(QueryBudget)))
            return visited;
        // Lists of values ("Year in (2023,2024)", FrequencyIds) are short; the rows and their collections are what costs.
        if (element.IsPrimitive || element.IsEnum || element == typeof(string) || element == typeof(decimal) || Nullable.GetUnderlyingType(element) is not null)
            return visited;
        var guard = ReadAtOnce.Contains(visited.Method.Name) ? GuardReadMethod : GuardMethod;
        return visited.Update(null, [Expression.Call(guard.MakeGenericMethod(element), source), .. rest]);
    }

    protected override Expression VisitMemberInit(MemberInitExpression node)
    {
        var visited = (MemberInitExpression)base.VisitMemberInit(node);
        if (IsPropertyContainer(visited.Type))
            visited = visited.Update(visited.NewExpression, visited.Bindings.Select(binding =>
                binding is MemberAssignment { Member.Name: "Value" or "Collection" } assigned && SequenceElement(assigned.Expression.Type) is { } item
                    ? Expression.Bind(assigned.Member, Expression.Call(MaterializedMethod.MakeGenericMethod(item), assigned.Expression))
                    : binding));
        if (!IsAggregationContainer(visited.Type)) return visited;
        var bindings = visited.Bindings.Select(binding =>
            binding is MemberAssignment { Member.Name: "NestedValue" } nested && NameOf(visited) is { } name && NullTestOf(nested.Expression, name) is { } test
                ? Expression.Bind(nested.Member, Expression.Condition(test, Expression.Default(nested.Expression.Type), nested.Expression))
                : binding);
        return visited.Update(visited.NewExpression, bindings);
    }

    private static readonly MethodInfo MaterializedMethod = typeof(SafeEvaluation).GetMethod(nameof(Materialized), BindingFlags.NonPublic | BindingFlags.Static)!;

    // An expanded collection, read now (null stays null: a null navigation).
    private static IEnumerable<T>? Materialized<T>(IEnumerable<T>? items) => items?.ToList();

    // The library's containers of a projected row's properties (NamedProperty<T>, CollectionExpandedProperty<T> and their kin).
    private static bool IsPropertyContainer(Type type) => type.Namespace == "Microsoft.AspNetCore.OData.Query.Container";

    private static bool IsAggregationContainer(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.Name == "AggregationPropertyContainer" && t.Namespace == "Microsoft.AspNetCore.OData.Query.Container") return true;
        return false;
    }

    private static string? NameOf(MemberInitExpression container) =>
        container.Bindings.OfType<MemberAssignment>().FirstOrDefault(b => b.Member.Name == "Name")?.Expression is ConstantExpression { Value: string name } ? name : null;

    // The library's null propagation of the navigation `name` inside a nested group: the first "x.name == null".
    private static Expression? NullTestOf(Expression nested, string name)
    {
        var finder = new NullTestFinder(name);
        finder.Visit(nested);
        return finder.Test;
    }

    private sealed class NullTestFinder(string name) : ExpressionVisitor
    {
        public Expression? Test { get; private set; }

        public override Expression? Visit(Expression? node) => Test is null ? base.Visit(node) : node;

        protected override Expression VisitConditional(ConditionalExpression node)
        {
            // "x.name == null", or, a level deeper, "IIF(x == null, null, x.name) == null"
            if (node.Test is BinaryExpression { NodeType: ExpressionType.Equal, Left: var left, Right: ConstantExpression { Value: null } }
                && (left is ConditionalExpression { IfFalse: var inner } ? inner : left) is MemberExpression member && member.Member.Name == name)
            {
                Test = node.Test;
                return node;
            }
            return base.VisitConditional(node);
        }
    }

    private static Expression Unconvert(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Convert } convert ? Unconvert(convert.Operand) : e;

    private static Type? SequenceElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type.GetGenericArguments()[0] : null;

    private static bool IsInteger(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(byte) || t == typeof(sbyte));
}
