using System.Linq.Expressions;
using System.Reflection;

namespace OpenKpi.Domain.Catalogue;

/// <summary>
/// A navigation property filled from the key the record stores (a target's <c>Indicator</c> from its <c>IndicatorId</c>), set
/// as the record is made: a linked record is then made once, not made plain and copied (at a million targets the copies were
/// 300 MB for the collector to promote and drop).
/// </summary>
public sealed class RecordLink<T>
{
    private RecordLink(PropertyInfo navigation, PropertyInfo key, Delegate resolve) => (Navigation, Key, Resolve) = (navigation, key, resolve);

    internal PropertyInfo Navigation { get; }
    internal PropertyInfo Key { get; }
    internal Delegate Resolve { get; }

    public static RecordLink<T> Of<TKey, TNavigation>(Expression<Func<T, TNavigation>> navigation, Expression<Func<T, TKey>> key, Func<TKey, TNavigation> resolve) =>
        new(Property(navigation), Property(key), resolve);

    private static PropertyInfo Property(LambdaExpression selector) =>
        selector.Body is MemberExpression { Member: PropertyInfo property } ? property : throw new ArgumentException($"{selector} does not name a property of {typeof(T).Name}.");

    /// <summary>
    /// <c>new T { A = a, B = b, …, Link = resolve(key) }</c>: every stored property's value (read in declaration order, each
    /// once, into a local), then each link from the local of its key.
    /// </summary>
    internal static Expression Initializer(IReadOnlyList<PropertyInfo> stored, Func<PropertyInfo, Expression> value, IReadOnlyList<RecordLink<T>> links)
    {
        var locals = stored.ToDictionary(p => p, p => Expression.Variable(p.PropertyType, p.Name));
        var bindings = stored.Select(p => (MemberBinding)Expression.Bind(p, locals[p]))
            .Concat(links.Select(l => Expression.Bind(l.Navigation, Expression.Invoke(Expression.Constant(l.Resolve), locals[l.Key]))));
        return Expression.Block(typeof(T), locals.Values,
            stored.Select(p => (Expression)Expression.Assign(locals[p], value(p)))
                .Append(Expression.MemberInit(Expression.New(typeof(T)), bindings)));
    }

    /// <summary>A linked copy of a plain record (one that the seeds, not the image, gave): its stored properties and the links.</summary>
    internal static Func<T, T> Copier(IReadOnlyList<PropertyInfo> stored, IReadOnlyList<RecordLink<T>> links)
    {
        var source = Expression.Parameter(typeof(T), "source");
        return Expression.Lambda<Func<T, T>>(Initializer(stored, p => Expression.Property(source, p), links), source).Compile();
    }
}
