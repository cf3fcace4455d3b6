using System.Diagnostics;

namespace OpenKpi.Api.OData;

/// <summary>
/// The time one request's query may take to evaluate, and its client's presence: every collection a compiled query
/// reads goes through <see cref="Guard{T}"/>, which stops the enumeration (at its first item, then every 1,024) once the client has gone
/// or, while the query is still being evaluated, once <see cref="QueryLimits.MaxEvaluationMilliseconds"/> have passed.
/// Writing the answer is bounded by its size (<see cref="QueryLimits.MaxEntitiesPerAnswer"/>) and stops only with the client.
/// </summary>
public sealed class QueryBudget
{
    private static readonly AsyncLocal<QueryBudget?> Ambient = new();

    private long _deadline;
    private readonly CancellationToken _aborted;
    private bool _evaluating = true;
    private int _items;

    private int _limitMilliseconds;

    private QueryBudget(TimeSpan limit, CancellationToken aborted)
    {
        _aborted = aborted;
        Restart(limit);
    }

    /// <summary>
    /// The same budget, its deadline from now: a costly query's, once it holds its permit. The budget is changed, not
    /// replaced: an AsyncLocal set in the filter that waited would not reach the writing of the answer, which then ran
    /// against the deadline from before the wait, still evaluating, and failed mid-answer.
    /// </summary>
    public void Restart(TimeSpan limit)
    {
        _limitMilliseconds = (int)limit.TotalMilliseconds;
        _deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        _evaluating = true;
    }

    /// <summary>What is left of the evaluation's time (none once it is out).</summary>
    public TimeSpan Remaining => _evaluating && Stopwatch.GetTimestamp() is var now && now < _deadline ? Stopwatch.GetElapsedTime(now, _deadline) : TimeSpan.Zero;

    /// <summary>Cancelled when the client has gone.</summary>
    public CancellationToken Aborted => _aborted;

    /// <summary>The budget of the request being served on this flow, if any.</summary>
    public static QueryBudget? Current => Ambient.Value;

    /// <summary>Gives the rest of this flow (the request) a budget of <paramref name="limit"/>.</summary>
    public static void Start(TimeSpan limit, CancellationToken aborted) => Ambient.Value = new QueryBudget(limit, aborted);

    /// <summary>The query has run: what is left (writing the answer, lazily expanded collections) stops only with the client.</summary>
    public void EndEvaluation() => _evaluating = false;

    /// <summary>Throws when the client has gone or the evaluation is out of time.</summary>
    public void Check()
    {
        _aborted.ThrowIfCancellationRequested();
        if (_evaluating && Stopwatch.GetTimestamp() > _deadline) throw new QueryBudgetExceededException(
            $"The query took longer than the {_limitMilliseconds} ms a request may take to evaluate (MaxEvaluationMilliseconds). " +
            "Narrow the $filter (a province, a year, an indicator), or drop costly functions and any/all.");
    }

    /// <summary>
    /// The collection, watched by the current request's budget (itself where there is none). A list stays a list, so that
    /// Skip, Take, Count and ToList keep their indexed paths (a $skip deep into 108,000 targets must not walk them).
    /// </summary>
    public static IEnumerable<T> Guard<T>(IEnumerable<T> source) => Ambient.Value switch
    {
        null => source,
        { } budget when source is IList<T> list => new WatchedList<T>(list, budget),
        { } budget => budget.Watch(source),
    };

    /// <summary>
    /// <see cref="Guard{T}"/> for a collection read at once, where it is guarded (any, all, count): a short list is counted
    /// whole there and read as it is. Watching it cost a wrapper and an iterator each time, for every row a lambda crosses
    /// it in (LeadAgencies/any over every target: ~30 MB a request).
    /// </summary>
    public static IEnumerable<T> GuardRead<T>(IEnumerable<T> source) => Ambient.Value switch
    {
        { } budget when source is IList<T> { Count: <= CountedWhole } list => budget.CountWhole(list),
        _ => Guard(source),
    };

    // A target's agencies, a document's or (at national scale) an indicator's targets.
    private const int CountedWhole = 1024;

    private IList<T> CountWhole<T>(IList<T> list)
    {
        var before = _items;
        _items += list.Count;
        if (before == 0 || before >> 10 != _items >> 10) Check();
        return list;
    }

    /// <summary>A list whose enumeration is watched; its indexer, count and copy are the list's own (bounded work).</summary>
    private sealed class WatchedList<T>(IList<T> list, QueryBudget budget) : IList<T>, IReadOnlyList<T>
    {
        public T this[int index] { get => list[index]; set => throw new NotSupportedException(); }
        public int Count => list.Count;
        public bool IsReadOnly => true;
        public IEnumerator<T> GetEnumerator() => budget.Watch(list).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public void CopyTo(T[] array, int arrayIndex) => list.CopyTo(array, arrayIndex);
        public bool Contains(T item) => list.Contains(item);
        public int IndexOf(T item) => list.IndexOf(item);
        public void Add(T item) => throw new NotSupportedException();
        public void Clear() => throw new NotSupportedException();
        public void Insert(int index, T item) => throw new NotSupportedException();
        public bool Remove(T item) => throw new NotSupportedException();
        public void RemoveAt(int index) => throw new NotSupportedException();
    }

    /// <summary>
    /// A value a query's lambda computed (a sort or group key, a projected row), counted as an item read: the keys of
    /// an $orderby are all computed after its source has been read, and would otherwise run unwatched.
    /// </summary>
    public static T Counted<T>(T value)
    {
        Ambient.Value?.Count();
        return value;
    }

    private IEnumerable<T> Watch<T>(IEnumerable<T> source)
    {
        foreach (var item in source)
        {
            Count();
            yield return item;
        }
    }

    // One item more: checked at the first, then every 1,024.
    private void Count()
    {
        if ((++_items & 1023) == 1) Check();
    }
}

/// <summary>A query over one of the declared cost limits, found while it ran: the client's query, so a 400.</summary>
public sealed class QueryBudgetExceededException(string message) : Exception(message);
