using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// An <see cref="IQueryable{T}"/> over a collection of the in-memory snapshot. LINQ to Objects
/// (<c>AsQueryable()</c>) compiles the whole expression tree on every execution, and that JIT work was
/// most of the CPU time of a request; this provider compiles each query <em>shape</em> once, with its
/// constants lifted into parameters, and runs later queries of the same shape with their own constants.
/// </summary>
public sealed class SnapshotQuery<T> : IOrderedQueryable<T>, ISnapshotQuery
{
    private readonly IEnumerable<T>? _source;
    private readonly SnapshotQueryProvider _provider;

    public SnapshotQuery(IEnumerable<T> source) : this(source, SnapshotQueryProvider.Instance) { }

    /// <summary>A root query over <paramref name="source"/> run by <paramref name="provider"/> (the compiled shapes, or <see cref="SnapshotQueryProvider.Plain"/>).</summary>
    public SnapshotQuery(IEnumerable<T> source, SnapshotQueryProvider provider)
    {
        _source = source;
        _provider = provider;
        Expression = Expression.Constant(this);
    }

    internal SnapshotQuery(Expression expression, SnapshotQueryProvider provider)
    {
        Expression = expression;
        _provider = provider;
    }

    /// <summary>The collection a root query reads; null for a query built on top of one.</summary>
    internal IEnumerable<T>? Source => _source;

    IEnumerable? ISnapshotQuery.Source => _source;

    public Type ElementType => typeof(T);
    public Expression Expression { get; }
    public IQueryProvider Provider => _provider;

    /// <summary>What the query runs to: the collection itself for a root query, else the compiled shape's result.</summary>
    public IEnumerable<T> Results() => _source ?? _provider.Execute<IEnumerable<T>>(Expression);

    public IEnumerator<T> GetEnumerator() => Results().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A <see cref="SnapshotQuery{T}"/> whatever its element type.</summary>
internal interface ISnapshotQuery
{
    /// <summary>The collection a root query reads; null for a query built on top of one.</summary>
    IEnumerable? Source { get; }
}

public static class SnapshotQueryExtensions
{
    /// <summary>The collection as a query whose compiled form is shared by every query of the same shape.</summary>
    public static IQueryable<T> AsSnapshotQuery<T>(this IEnumerable<T> source) => new SnapshotQuery<T>(source);

    /// <summary>The same, for a collection whose element type is known only at run time, run by <paramref name="provider"/>.</summary>
    public static IQueryable AsSnapshotQuery(System.Collections.IEnumerable source, Type elementType, SnapshotQueryProvider provider) =>
        (IQueryable)Activator.CreateInstance(typeof(SnapshotQuery<>).MakeGenericType(elementType), source, provider)!;

    /// <summary>A root query over <paramref name="source"/> run as <paramref name="query"/> is (the same provider).</summary>
    public static IQueryable Over(IQueryable query, System.Collections.IEnumerable source) =>
        AsSnapshotQuery(source, query.ElementType, query.Provider as SnapshotQueryProvider ?? SnapshotQueryProvider.Instance);

    /// <summary>The collection behind a root snapshot query; null for anything else.</summary>
    public static object? SourceOf(IQueryable queryable) => (queryable as ISnapshotQuery)?.Source;
}

/// <summary>Runs <see cref="SnapshotQuery{T}"/> expressions through a cache of compiled shapes.</summary>
public sealed class SnapshotQueryProvider : IQueryProvider
{
    public static readonly SnapshotQueryProvider Instance = new(plain: false);

    /// <summary>
    /// Plain LINQ to Objects, the reference the differential tests hold the compiled shapes to: each query compiled anew, a
    /// page of an ordering by a full sort, $apply's groups by the library's own key equality. <see cref="SafeEvaluation"/>
    /// (checked arithmetic, null navigations, the request's budget) is kept: it is what the answer means, not how fast it comes.
    /// </summary>
    public static readonly SnapshotQueryProvider Plain = new(plain: true);

    private readonly bool _plain;

    /// <summary>
    /// Shapes kept compiled. A public API sees a few dozen shapes in normal use; the bound keeps a client
    /// that sends endless distinct shapes from growing memory (the cache then starts again).
    /// </summary>
    public const int MaxCachedShapes = 2048;

    private readonly ConcurrentDictionary<string, Func<object?[], object?>> _compiled = new(StringComparer.Ordinal);

    private SnapshotQueryProvider(bool plain) => _plain = plain;

    /// <summary>How many shapes are compiled now (for tests and diagnostics).</summary>
    public int CachedShapes => _compiled.Count;

    public IQueryable CreateQuery(Expression expression)
    {
        var element = ElementTypeOf(expression.Type);
        return (IQueryable)Activator.CreateInstance(typeof(SnapshotQuery<>).MakeGenericType(element),
            System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic, null, [expression, this], null)!;
    }

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new SnapshotQuery<TElement>(expression, this);

    public object? Execute(Expression expression)
    {
        if (_plain) return QueryShape.Plain(expression);
        var shape = QueryShape.Of(expression);
        if (shape.Key is null) return shape.Compile()(shape.Arguments);
        if (!_compiled.TryGetValue(shape.Key, out var run))
        {
            if (_compiled.Count >= MaxCachedShapes) _compiled.Clear();
            run = _compiled.GetOrAdd(shape.Key, _ => shape.Compile());
        }
        return run(shape.Arguments);
    }

    public TResult Execute<TResult>(Expression expression) => (TResult)Execute(expression)!;

    private static Type ElementTypeOf(Type sequence) =>
        sequence.IsGenericType && sequence.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? sequence.GetGenericArguments()[0]
            : sequence.GetInterfaces().Append(sequence)
                .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
}
