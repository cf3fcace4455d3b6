using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// A query expression made ready for LINQ to Objects and split into its shape and its values: Queryable
/// calls become Enumerable calls, snapshot roots become their collections, and every constant becomes an
/// element of <see cref="Arguments"/>. Two queries that differ only in their constants ($filter=Year eq 2023
/// and $filter=Year eq 2024) have the same <see cref="Key"/>, so one compiled delegate serves both. A page of an
/// ordering is selected without sorting the whole source (<see cref="OrderedWindow"/>); $apply's groups hold
/// the rows themselves (<see cref="FlattenedGroups"/>) and are found with a comparer of their keys that does not use
/// reflection (<see cref="GroupKeyComparer"/>); and a string function's result is tested for null without being
/// computed again (<see cref="NullTests"/>).
/// </summary>
internal sealed class QueryShape
{
    private static readonly ParameterExpression ArgumentsParameter = Expression.Parameter(typeof(object?[]), "arguments");

    private readonly Func<Func<object?[], object?>> _compile;

    private QueryShape(string? key, Func<Func<object?[], object?>> compile, object?[] arguments)
    {
        Key = key;
        _compile = compile;
        Arguments = arguments;
    }

    /// <summary>The structure of the query; null when it holds a node the key does not describe (never cached).</summary>
    public string? Key { get; }

    /// <summary>The constants of this query, in the order the shape reads them.</summary>
    public object?[] Arguments { get; }

    public static QueryShape Of(Expression expression)
    {
        Expression enumerable;
        try
        {
            enumerable = GroupKeyComparer.Rewrite(LeafGroupKeys.Rewrite(FlattenedGroups.Rewrite(OrderedWindow.Rewrite(SafeEvaluation.Apply(NullTests.Rewrite(new ToEnumerable().Visit(expression)))))));
        }
        catch (NotSupportedException)
        {
            // A Queryable call without an Enumerable twin: let LINQ to Objects run it, uncached.
            var fallback = new ToEnumerableQuery().Visit(expression);
            return new QueryShape(null, () => _ => EnumerableProvider.Execute(fallback), []);
        }
        var lifter = new ConstantLifter();
        var body = HoistedLambdas.Rewrite(lifter.Visit(enumerable)!, [ArgumentsParameter]);
        var lambda = Expression.Lambda<Func<object?[], object?>>(Expression.Convert(body, typeof(object)), ArgumentsParameter);
        return new QueryShape(lifter.Cacheable ? lifter.Key : null, lambda.Compile, lifter.Arguments);
    }

    /// <summary>The query as plain LINQ to Objects, compiled for this one run: no shape and none of the rewrites (the differential harness's reference).</summary>
    public static object? Plain(Expression expression)
    {
        Expression enumerable;
        try
        {
            enumerable = SafeEvaluation.Apply(new ToEnumerable().Visit(expression));
        }
        catch (NotSupportedException)
        {
            return EnumerableProvider.Execute(new ToEnumerableQuery().Visit(expression));
        }
        return Expression.Lambda<Func<object?>>(Expression.Convert(enumerable, typeof(object))).Compile()();
    }

    /// <summary>Compiles the shape: the costly step, done once per <see cref="Key"/>.</summary>
    public Func<object?[], object?> Compile() => _compile();

    private static readonly IQueryProvider EnumerableProvider = Array.Empty<object>().AsQueryable().Provider;

    /// <summary>Exposes the collection behind a root <see cref="SnapshotQuery{T}"/> without knowing its type.</summary>
    private static (System.Collections.IEnumerable Source, Type Element)? RootOf(object? value) =>
        value is ISnapshotQuery { Source: { } source } query ? (source, ((IQueryable)query).ElementType) : null;

    /// <summary>Rewrites Queryable calls over snapshot roots into Enumerable calls over their collections.</summary>
    private sealed class ToEnumerable : ExpressionVisitor
    {
        private static readonly ConcurrentDictionary<MethodInfo, MethodInfo?> Twins = new();

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (RootOf(node.Value) is not { } root) return node;
            return Expression.Constant(root.Source, typeof(IEnumerable<>).MakeGenericType(root.Element));
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(Queryable)) return base.VisitMethodCall(node);
            var arguments = node.Arguments.Select(a => Unquote(Visit(a))).ToArray();
            if (node.Method.Name == nameof(Queryable.LongCount) && arguments.Length == 1)
                return Expression.Call(EnumerableMethods.LongCountDefinition.MakeGenericMethod(node.Method.GetGenericArguments()), arguments);
            return Expression.Call(EnumerableTwin(node.Method), arguments);
        }

        private static Expression Unquote(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : e;

        private static MethodInfo EnumerableTwin(MethodInfo queryable)
        {
            var definition = queryable.IsGenericMethod ? queryable.GetGenericMethodDefinition() : queryable;
            var twin = Twins.GetOrAdd(definition, d => typeof(Enumerable).GetMethods(BindingFlags.Public | BindingFlags.Static).FirstOrDefault(e =>
                e.Name == d.Name
                && e.GetGenericArguments().Length == d.GetGenericArguments().Length
                && e.GetParameters().Length == d.GetParameters().Length
                && e.GetParameters().Zip(d.GetParameters()).All(p => Same(p.Second.ParameterType, p.First.ParameterType))))
                ?? throw new NotSupportedException($"Queryable.{queryable.Name} has no Enumerable twin.");
            return queryable.IsGenericMethod ? twin.MakeGenericMethod(queryable.GetGenericArguments()) : twin;
        }

        // Whether a Queryable parameter type is the Enumerable one: IQueryable<T> ↔ IEnumerable<T>,
        // IOrderedQueryable<T> ↔ IOrderedEnumerable<T>, Expression<F> ↔ F; generic parameters by position.
        private static bool Same(Type queryable, Type enumerable)
        {
            if (queryable.IsGenericParameter) return enumerable.IsGenericParameter && queryable.GenericParameterPosition == enumerable.GenericParameterPosition;
            if (queryable == typeof(IQueryable)) return enumerable == typeof(System.Collections.IEnumerable);
            if (queryable.IsArray) return enumerable.IsArray && Same(queryable.GetElementType()!, enumerable.GetElementType()!);
            if (!queryable.IsGenericType) return queryable == enumerable;
            var definition = queryable.GetGenericTypeDefinition();
            if (definition == typeof(Expression<>)) return Same(queryable.GetGenericArguments()[0], enumerable);
            var expected = definition == typeof(IQueryable<>) ? typeof(IEnumerable<>)
                : definition == typeof(IOrderedQueryable<>) ? typeof(IOrderedEnumerable<>)
                : definition;
            return enumerable.IsGenericType && enumerable.GetGenericTypeDefinition() == expected
                && queryable.GetGenericArguments().Zip(enumerable.GetGenericArguments()).All(p => Same(p.First, p.Second));
        }
    }

    /// <summary>The fallback: snapshot roots as plain LINQ to Objects queries.</summary>
    private sealed class ToEnumerableQuery : ExpressionVisitor
    {
        protected override Expression VisitConstant(ConstantExpression node) =>
            RootOf(node.Value) is { } root
                ? Expression.Constant(Queryable.AsQueryable(root.Source), node.Type)
                : node;
    }

    /// <summary>Replaces every non-null constant with a read of the arguments array and writes the tree's structure as a key.</summary>
    private sealed class ConstantLifter : ExpressionVisitor
    {
        private static readonly ConcurrentDictionary<object, int> Ids = new();
        private static int _lastId;
        private readonly StringBuilder _key = new();
        private readonly Dictionary<ParameterExpression, int> _parameters = [];
        private readonly List<object?> _arguments = [];

        public bool Cacheable { get; private set; } = true;
        public string Key => _key.ToString();
        public object?[] Arguments => [.. _arguments];

        private StringBuilder Id(object member) => _key.Append(' ').Append(Ids.GetOrAdd(member, _ => Interlocked.Increment(ref _lastId)));

        public override Expression? Visit(Expression? node)
        {
            if (node is null)
            {
                _key.Append(" ~");
                return null;
            }
            _key.Append(" (").Append((int)node.NodeType);
            Id(node.Type);
            var result = base.Visit(node);
            _key.Append(')');
            return result;
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is null)
            {
                _key.Append(" null");
                return node;
            }
            _key.Append(" $");
            _arguments.Add(node.Value);
            return Expression.Convert(Expression.ArrayIndex(ArgumentsParameter, Expression.Constant(_arguments.Count - 1)), node.Type);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (!_parameters.TryGetValue(node, out var index)) _parameters[node] = index = _parameters.Count;
            _key.Append(" p").Append(index);
            return node;
        }

        protected override Expression VisitMember(MemberExpression node)
        {
            Id(node.Member);
            return base.VisitMember(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            Id(node.Method);
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            _key.Append(node.IsLiftedToNull ? " L" : " -");
            if (node.Method is not null) Id(node.Method);
            return base.VisitBinary(node);
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.Method is not null) Id(node.Method);
            return base.VisitUnary(node);
        }

        protected override Expression VisitNew(NewExpression node)
        {
            if (node.Constructor is not null) Id(node.Constructor);
            if (node.Members is { } members) foreach (var member in members) Id(member);
            return base.VisitNew(node);
        }

        protected override Expression VisitTypeBinary(TypeBinaryExpression node)
        {
            Id(node.TypeOperand);
            return base.VisitTypeBinary(node);
        }

        protected override Expression VisitIndex(IndexExpression node)
        {
            if (node.Indexer is not null) Id(node.Indexer);
            return base.VisitIndex(node);
        }

        protected override MemberBinding VisitMemberBinding(MemberBinding node)
        {
            _key.Append(" b").Append((int)node.BindingType);
            Id(node.Member);
            return base.VisitMemberBinding(node);
        }

        protected override ElementInit VisitElementInit(ElementInit node)
        {
            Id(node.AddMethod);
            return base.VisitElementInit(node);
        }

        // Nodes that OData never builds: run them, but do not trust the key to describe them.
        protected override Expression VisitBlock(BlockExpression node) => Uncacheable(base.VisitBlock(node));
        protected override Expression VisitDynamic(DynamicExpression node) => Uncacheable(base.VisitDynamic(node));
        protected override Expression VisitExtension(Expression node) => Uncacheable(base.VisitExtension(node));
        protected override Expression VisitGoto(GotoExpression node) => Uncacheable(base.VisitGoto(node));
        protected override Expression VisitLabel(LabelExpression node) => Uncacheable(base.VisitLabel(node));
        protected override Expression VisitLoop(LoopExpression node) => Uncacheable(base.VisitLoop(node));
        protected override Expression VisitSwitch(SwitchExpression node) => Uncacheable(base.VisitSwitch(node));
        protected override Expression VisitTry(TryExpression node) => Uncacheable(base.VisitTry(node));
        protected override Expression VisitRuntimeVariables(RuntimeVariablesExpression node) => Uncacheable(base.VisitRuntimeVariables(node));
        protected override Expression VisitDebugInfo(DebugInfoExpression node) => Uncacheable(base.VisitDebugInfo(node));

        private Expression Uncacheable(Expression node)
        {
            Cacheable = false;
            return node;
        }
    }
}
