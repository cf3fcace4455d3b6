using System.Linq.Expressions;
using System.Reflection;
using OpenKpi.Api.OData;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// The rows <c>skip</c> to <c>skip + take</c> of an ordering, selected as the source is read: an $orderby with a page
/// (<c>source.OrderBy(k1).ThenBy(k2).Skip(s).Take(t)</c>) keeps the keys of only the best <c>s + t</c> rows alive, in a
/// bounded heap, where LINQ's OrderBy computes the keys of every row into arrays and holds them all through its sort.
/// Over 108,000 targets, <c>$orderby=concat(…)</c> made 108,000 strings that outlived several collections each (14 gen1
/// collections a second under 4 such clients, the process paused 0.4 s a second); here all but a page's die young.
/// The order is LINQ's, exactly: each row's keys computed once, in the order of the clauses, compared with the comparer
/// LINQ would use (the default, or the one the call names), descending clauses reversed, ties kept in source order.
/// </summary>
public static class OrderedWindow
{
    /// <summary>
    /// The largest window (skip + take) selected here; a deeper one goes LINQ's way, whose partial sort is the faster
    /// when most of the keys must be kept anyway. The deepest page the limit allows plus the one row a plan reads past its
    /// page (to know whether it was cut): without that row the deepest pages went LINQ's way and kept every key alive.
    /// </summary>
    public const int MaxWindow = QueryLimits.MaxComputedOrderWindow + 1;

    /// <summary>
    /// Rows <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="take"/> of <paramref name="source"/> in
    /// the order of <paramref name="keys"/>, as LINQ's <c>ordinary</c> query (the same ordering, skip and take) gives them;
    /// over <see cref="MaxWindow"/>, that query itself.
    /// </summary>
    public static IEnumerable<T> Select<T>(IEnumerable<T> source, int skip, int take, OrderKeys<T> keys, Func<IEnumerable<T>, IEnumerable<T>> ordinary)
    {
        if (take <= 0) return [];                  // LINQ's Take(0) reads nothing
        skip = Math.Max(skip, 0);
        var window = (long)skip + take;
        if (window > MaxWindow)
        {
            Interlocked.Increment(ref _sorted);
            return ordinary(source);
        }
        return new Heap<T>((int)window, keys).Select(source, skip);
    }

    private static long _sorted;

    /// <summary>How many orderings went LINQ's way, their window deeper than <see cref="MaxWindow"/> (for tests).</summary>
    public static long Sorted => Interlocked.Read(ref _sorted);

    /// <summary>The best rows read so far, at most <c>window</c>, in a heap whose root is the worst of them.</summary>
    private sealed class Heap<T>(int window, OrderKeys<T> keys)
    {
        // Rows are kept in slots (their item, source position and, in the keys, their keys); the heap orders slot numbers.
        // One slot more than the window: the row being read, compared with the root before it replaces it.
        private T[] _items = [];
        private int[] _positions = [];
        private int[] _heap = [];
        private int _count;

        public List<T> Select(IEnumerable<T> source, int skip)
        {
            if (source.TryGetNonEnumeratedCount(out var known)) Grow(Math.Min(known, window) + 1);
            var position = 0;
            var spare = window;   // once the heap is full, the slot the next row is read into
            foreach (var item in source)
            {
                var slot = _count < window ? _count : spare;
                if (slot >= _items.Length) Grow(Math.Min(Math.Max(_items.Length * 2, Math.Max(slot + 1, 16)), window + 1));
                _items[slot] = item;
                _positions[slot] = position++;
                keys.Compute(item, slot);
                if (_count < window)
                {
                    _heap[_count] = slot;
                    Up(_count++);
                }
                else if (Compare(slot, _heap[0]) < 0)
                {
                    spare = _heap[0];   // the worst row leaves; its slot takes the next row
                    _heap[0] = slot;
                    Down(0);
                }
            }
            var best = _heap.AsSpan(0, _count).ToArray();
            Array.Sort(best, Compare);
            var rows = new List<T>(Math.Max(_count - skip, 0));
            for (var i = skip; i < best.Length; i++) rows.Add(_items[best[i]]);
            return rows;
        }

        // A total order: the keys, then the source position (LINQ's sort is stable).
        private int Compare(int x, int y)
        {
            var c = keys.Compare(x, y);
            return c != 0 ? c : _positions[x].CompareTo(_positions[y]);
        }

        private void Up(int i)
        {
            while (i > 0 && Compare(_heap[(i - 1) / 2], _heap[i]) < 0)
            {
                (_heap[(i - 1) / 2], _heap[i]) = (_heap[i], _heap[(i - 1) / 2]);
                i = (i - 1) / 2;
            }
        }

        private void Down(int i)
        {
            while (true)
            {
                int left = 2 * i + 1, right = left + 1, worst = i;
                if (left < _count && Compare(_heap[left], _heap[worst]) > 0) worst = left;
                if (right < _count && Compare(_heap[right], _heap[worst]) > 0) worst = right;
                if (worst == i) return;
                (_heap[worst], _heap[i]) = (_heap[i], _heap[worst]);
                i = worst;
            }
        }

        private void Grow(int slots)
        {
            Array.Resize(ref _items, slots);
            Array.Resize(ref _positions, slots);
            Array.Resize(ref _heap, slots);
            keys.Resize(slots);
        }
    }

    /// <summary>
    /// Rewrites <c>Take(Skip(Select(OrderBy(…).ThenBy(…)…)))</c> (Skip and Select optional, Take once or more, as the
    /// OData library writes $orderby, $skip, $select, $top and its page) into <see cref="Select{T}"/>, the Select
    /// (which LINQ, too, applies to the window's rows only) outside it. Runs on the Enumerable form of the query.
    /// </summary>
    public static Expression Rewrite(Expression expression) => new Rewriter().Visit(expression);

    private sealed class Rewriter : ExpressionVisitor
    {
        private static readonly MethodInfo SelectMethod = typeof(OrderedWindow).GetMethod(nameof(Select))!;
        private static readonly MethodInfo MinMethod = typeof(Math).GetMethod(nameof(Math.Min), [typeof(int), typeof(int)])!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (!Is(node, nameof(Enumerable.Take))) return base.VisitMethodCall(node);
            var takes = new List<Expression>();
            Expression current = node;
            while (Unconvert(current) is MethodCallExpression take && Is(take, nameof(Enumerable.Take)))
            {
                takes.Add(take.Arguments[1]);
                current = take.Arguments[0];
            }
            Expression? skip = null;
            if (Unconvert(current) is MethodCallExpression skipCall && Is(skipCall, nameof(Enumerable.Skip)))
            {
                skip = skipCall.Arguments[1];
                current = skipCall.Arguments[0];
            }
            LambdaExpression? projection = null;
            if (Unconvert(current) is MethodCallExpression selectCall && Is(selectCall, nameof(Enumerable.Select))
                && selectCall.Arguments[1] is LambdaExpression { Parameters.Count: 1 } selector)
            {
                projection = selector;
                current = selectCall.Arguments[0];
            }
            var levels = new List<MethodCallExpression>();   // innermost (OrderBy) last
            while (Unconvert(current) is MethodCallExpression call && call.Method.DeclaringType == typeof(Enumerable)
                && call.Method.Name is "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending"
                && call.Arguments[1] is LambdaExpression { Parameters.Count: 1 })
            {
                levels.Add(call);
                current = call.Arguments[0];
                if (call.Method.Name.StartsWith("OrderBy", StringComparison.Ordinal)) break;
            }
            if (levels.Count == 0 || !levels[^1].Method.Name.StartsWith("OrderBy", StringComparison.Ordinal)) return base.VisitMethodCall(node);

            var element = levels[^1].Method.GetGenericArguments()[0];
            var source = Visit(levels[^1].Arguments[0]);
            // What LINQ would run, over a parameter standing for the source: the fallback for a deep window.
            var parameter = Expression.Parameter(typeof(IEnumerable<>).MakeGenericType(element), "source");
            Expression ordinary = parameter;
            Expression? keys = null;
            foreach (var level in Enumerable.Reverse(levels))
                ordinary = Expression.Call(level.Method, [ordinary, .. level.Arguments.Skip(1).Select(a => Visit(a))]);
            foreach (var level in levels)   // the last clause first: each level holds the next
            {
                var key = (LambdaExpression)Visit(level.Arguments[1]);
                var keyType = level.Method.GetGenericArguments()[1];
                var comparerType = typeof(IComparer<>).MakeGenericType(keyType);
                var comparer = level.Arguments.Count > 2 ? Visit(level.Arguments[2]) : Expression.Constant(null, comparerType);
                var levelType = typeof(OrderKeys<,>).MakeGenericType(element, keyType);
                keys = Expression.New(levelType.GetConstructors()[0], key, comparer, Expression.Constant(level.Method.Name.EndsWith("Descending", StringComparison.Ordinal)),
                    keys ?? Expression.Constant(null, typeof(OrderKeys<>).MakeGenericType(element)));
            }
            var skipValue = skip is null ? Expression.Constant(0) : Visit(skip);
            if (skip is not null) ordinary = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.Skip), element), ordinary, skipValue);
            var takeValue = takes.Select(t => Visit(t)).Aggregate((a, b) => Expression.Call(MinMethod, a, b));
            ordinary = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.Take), element), ordinary, takeValue);
            Expression window = Expression.Call(SelectMethod.MakeGenericMethod(element), source, skipValue, takeValue, keys!,
                Expression.Lambda(ordinary, parameter));
            if (projection is not null)
            {
                var projected = (LambdaExpression)Visit(projection);
                window = Expression.Call(EnumerableMethods.Of(nameof(Enumerable.Select), element, projected.ReturnType), window, projected);
            }
            return window;
        }

        private static bool Is(MethodCallExpression call, string name) =>
            call.Method.DeclaringType == typeof(Enumerable) && call.Method.Name == name && call.Arguments.Count == 2
            && call.Method.GetParameters()[1].ParameterType is var second
            && (name == nameof(Enumerable.Select) ? second.IsGenericType && second.GetGenericTypeDefinition() == typeof(Func<,>) : second == typeof(int));

        private static Expression Unconvert(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Convert } convert ? Unconvert(convert.Operand) : e;
    }
}

/// <summary>One clause of an ordering and the keys it computed for the rows a <see cref="OrderedWindow"/> keeps, by slot.</summary>
public abstract class OrderKeys<T>
{
    internal abstract void Resize(int slots);

    /// <summary>Computes the row's key of this clause and of every clause after it (LINQ computes them all, every row).</summary>
    internal abstract void Compute(T item, int slot);

    /// <summary>The order of two slots by this clause and, where they tie, the next; 0 when every clause ties.</summary>
    internal abstract int Compare(int x, int y);
}

/// <summary>A clause ordering by keys of type <typeparamref name="TKey"/>.</summary>
public sealed class OrderKeys<T, TKey>(Func<T, TKey> selector, IComparer<TKey>? comparer, bool descending, OrderKeys<T>? next) : OrderKeys<T>
{
    private readonly IComparer<TKey> _comparer = comparer ?? Comparer<TKey>.Default;
    private TKey[] _keys = [];

    internal override void Resize(int slots)
    {
        Array.Resize(ref _keys, slots);
        next?.Resize(slots);
    }

    internal override void Compute(T item, int slot)
    {
        _keys[slot] = selector(item);
        next?.Compute(item, slot);
    }

    internal override int Compare(int x, int y)
    {
        var c = _comparer.Compare(_keys[x], _keys[y]);
        if (c == 0) return next?.Compare(x, y) ?? 0;
        return descending != c > 0 ? 1 : -1;   // as LINQ's sorter: never -c, which overflows for int.MinValue
    }
}
