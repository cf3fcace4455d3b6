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
    private int _every = 1023;   // a check at the first item, then every 1,024 (every 64 while paced)

    // Pacing, for costly queries only (see Pace).
    private Func<bool>? _othersActive;
    private long _sliceStart;
    private long _sliceTicks;
    private int _pauseMilliseconds;

    private readonly int _limitMilliseconds;

    private QueryBudget(TimeSpan limit, CancellationToken aborted)
    {
        _limitMilliseconds = (int)limit.TotalMilliseconds;
        _deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        _aborted = aborted;
    }

    /// <summary>The budget of the request being served on this flow, if any.</summary>
    public static QueryBudget? Current => Ambient.Value;

    /// <summary>Gives the rest of this flow (the request) a budget of <paramref name="limit"/>.</summary>
    public static void Start(TimeSpan limit, CancellationToken aborted) => Ambient.Value = new QueryBudget(limit, aborted);

    /// <summary>The query has run: what is left (writing the answer, lazily expanded collections) stops only with the client.</summary>
    public void EndEvaluation() => _evaluating = false;

    /// <summary>
    /// Paces this request (a costly query): after each <paramref name="sliceMilliseconds"/> of running, while
    /// <paramref name="othersActive"/> says other queries are being served, it waits <paramref name="pauseMilliseconds"/>,
    /// so that it takes only a share of a core from them: in the evaluation in <see cref="Check"/> (the thread sleeps; few
    /// costly queries run at a time), in the writing in <see cref="GiveWayAsync"/>. Its waits do not count against its deadline.
    /// </summary>
    public void Pace(Func<bool> othersActive, int sliceMilliseconds, int pauseMilliseconds)
    {
        _othersActive = othersActive;
        _sliceTicks = Stopwatch.Frequency * sliceMilliseconds / 1000;
        _pauseMilliseconds = pauseMilliseconds;
        _sliceStart = Stopwatch.GetTimestamp();
        _every = 63;
    }

    /// <summary>Throws when the client has gone or the evaluation is out of time; gives way when paced.</summary>
    public void Check()
    {
        _aborted.ThrowIfCancellationRequested();
        var now = Stopwatch.GetTimestamp();
        if (_evaluating && now > _deadline) throw new QueryBudgetExceededException(
            $"The query took longer than the {_limitMilliseconds} ms a request may take to evaluate (MaxEvaluationMilliseconds). " +
            "Narrow the $filter (a province, a year, an indicator), or drop costly functions and any/all.");
        if (GiveWayDue(now))
        {
            Thread.Sleep(_pauseMilliseconds);
            Resumed(now);
        }
    }

    /// <summary>What <see cref="Check"/> does when paced, for the writing of the answer: an asynchronous wait.</summary>
    public async ValueTask GiveWayAsync()
    {
        var now = Stopwatch.GetTimestamp();
        if (!GiveWayDue(now)) return;
        await Task.Delay(_pauseMilliseconds, _aborted);
        Resumed(now);
    }

    private bool GiveWayDue(long now)
    {
        if (_othersActive is null || now - _sliceStart < _sliceTicks) return false;
        if (_othersActive()) return true;
        _sliceStart = now;   // nobody to give way to: a new slice
        return false;
    }

    /// <summary>How many times this request has given way (see <see cref="Pace"/>).</summary>
    public int Pauses { get; private set; }

    private void Resumed(long pausedAt)
    {
        Pauses++;
        var now = Stopwatch.GetTimestamp();
        _deadline += now - pausedAt;
        _sliceStart = now;
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
        if (Ambient.Value is { } budget && (++budget._items & budget._every) == 1) budget.Check();
        return value;
    }

    private IEnumerable<T> Watch<T>(IEnumerable<T> source)
    {
        foreach (var item in source)
        {
            if ((++_items & _every) == 1) Check();
            yield return item;
        }
    }
}

/// <summary>A query over one of the declared cost limits, found while it ran: the client's query, so a 400.</summary>
public sealed class QueryBudgetExceededException(string message) : Exception(message);
