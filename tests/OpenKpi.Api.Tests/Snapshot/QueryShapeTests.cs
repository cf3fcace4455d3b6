using System.Linq.Expressions;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Tests.Snapshot;

/// <summary>
/// The compiled delegate of a query is cached by <see cref="QueryShape.Key"/>: two queries with the same key run the same
/// delegate with their own constants. So queries that differ only in constants must share a key, and any structural
/// difference (an operator, a member, a method, a parameter, a type, null against a value) must not.
/// </summary>
public sealed class QueryShapeTests
{
    private static readonly Target[] Rows =
    [
        new() { Id = "a", DocumentId = "d1", SourceLabel = "Tỷ lệ hộ nghèo", Year = 2023, SourceOrder = 1, ProvinceId = "VN-09", Lower = 3m, LeadAgencyIds = ["a"] },
        new() { Id = "b", DocumentId = "d1", SourceLabel = "GRDP", Year = 2024, SourceOrder = 2, ProvinceId = null, Lower = null, LeadAgencyIds = ["x"] },
        new() { Id = "c", DocumentId = "d2", SourceLabel = "Số bác sỹ", Year = 2024, SourceOrder = 2024, ProvinceId = "VN-57", Lower = 10m },
    ];

    private static string? Key(Func<IQueryable<Target>, IQueryable> query) => Shape(query).Key;

    private static QueryShape Shape(Func<IQueryable<Target>, IQueryable> query) => QueryShape.Of(query(Rows.AsSnapshotQuery()).Expression);

    public static TheoryData<string, Func<IQueryable<Target>, IQueryable>, Func<IQueryable<Target>, IQueryable>> SameShapes() => new()
    {
        { "a year", q => q.Where(t => t.Year == 2023), q => q.Where(t => t.Year == 2024) },
        { "a string", q => q.Where(t => t.ProvinceId == "VN-09"), q => q.Where(t => t.ProvinceId == "VN-57") },
        { "a page", q => q.OrderBy(t => t.SourceOrder).Skip(1).Take(2), q => q.OrderBy(t => t.SourceOrder).Skip(20).Take(100) },
        { "a decimal and a label", q => q.Where(t => t.Lower > 3m && t.SourceLabel.Contains("GRDP")), q => q.Where(t => t.Lower > 9.5m && t.SourceLabel.Contains("bác")) },
    };

    public static TheoryData<string, Func<IQueryable<Target>, IQueryable>, Func<IQueryable<Target>, IQueryable>> OtherShapes() => new()
    {
        { "an operator", q => q.Where(t => t.Year == 2023), q => q.Where(t => t.Year > 2023) },
        { "a member", q => q.Where(t => t.Year == 2023), q => q.Where(t => t.SourceOrder == 2023) },
        { "a method", q => q.Where(t => t.SourceLabel.StartsWith("G")), q => q.Where(t => t.SourceLabel.EndsWith("G")) },
        { "null against a value", q => q.Where(t => t.ProvinceId == "VN-09"), q => q.Where(t => t.ProvinceId == null) },
        { "a further call", q => q.Where(t => t.Year == 2023), q => q.Where(t => t.Year == 2023).OrderBy(t => t.Id) },
        { "a sort's direction", q => q.OrderBy(t => t.Id), q => q.OrderByDescending(t => t.Id) },
        { "skip against take", q => q.Skip(1), q => q.Take(1) },
        { "and against or", q => q.Where(t => t.Year == 2023 && t.SourceOrder == 1), q => q.Where(t => t.Year == 2023 || t.SourceOrder == 1) },
        { "which parameter", q => q.Where(t => t.LeadAgencyIds.Any(a => a == t.Id)), q => q.Where(t => t.LeadAgencyIds.Any(a => t.Id == a)) },
        { "a projection's members", q => q.Select(t => new { t.Id, t.Year }), q => q.Select(t => new { t.Id, Year = t.SourceOrder }) },
        { "a constant's type", q => q.Where(t => (long)t.Year == 2023L), q => q.Where(t => t.Year == 2023) },
        { "lifted to null", q => q.Where(t => t.Lower > 3m), q => q.Where(LiftedToNull()) },
    };

    [Theory]
    [MemberData(nameof(SameShapes))]
    public void QueriesThatDifferOnlyInConstantsShareAKey(string what, Func<IQueryable<Target>, IQueryable> one, Func<IQueryable<Target>, IQueryable> other)
    {
        var key = Key(one);
        Assert.NotNull(key);
        Assert.True(key == Key(other), $"{what}: the two queries have different keys");
    }

    [Theory]
    [MemberData(nameof(OtherShapes))]
    public void QueriesThatDifferInStructureHaveDifferentKeys(string what, Func<IQueryable<Target>, IQueryable> one, Func<IQueryable<Target>, IQueryable> other) =>
        Assert.True(Key(one) != Key(other), $"{what}: the two queries share the key {Key(one)}");

    [Fact]
    public void TheSameShapeOverAnotherCollectionOfTheSameTypeSharesTheKey()
    {
        var some = Rows[..2].AsSnapshotQuery().Where(t => t.Year == 2024);
        var others = Rows[1..].AsSnapshotQuery().Where(t => t.Year == 2024);

        Assert.Equal(QueryShape.Of(some.Expression).Key, QueryShape.Of(others.Expression).Key);
    }

    [Fact]
    public void TheSameShapeOverAnotherElementTypeHasAnotherKey()
    {
        var targets = Rows.AsSnapshotQuery().Where(t => t.Id == "a");
        var provinces = new[] { new Province { Id = "a", Name = "Lạng Sơn", NameEn = "Lang Son" } }.AsSnapshotQuery().Where(p => p.Id == "a");

        Assert.NotEqual(QueryShape.Of(targets.Expression).Key, QueryShape.Of(provinces.Expression).Key);
    }

    // One delegate, each query's own constants: the shared delegate answers each query as LINQ to Objects does.
    [Fact]
    public void QueriesSharingADelegateEachGetTheirOwnAnswer()
    {
        foreach (var (year, province) in new[] { (2023, "VN-09"), (2024, "VN-57"), (2024, "VN-09") })
        {
            var query = Rows.AsSnapshotQuery().Where(t => t.Year == year && t.ProvinceId == province).Select(t => t.Id);
            var expected = Rows.Where(t => t.Year == year && t.ProvinceId == province).Select(t => t.Id);

            Assert.Equal(expected, query.ToList());
        }
    }

    // /$count and $count=true ask LongCount: of a list, its length (at a million targets, walking them was 18 ms a count).
    [Fact]
    public void ALongCountOfAListIsItsLengthWithoutWalkingIt()
    {
        var unwalkable = new UnwalkableList<Target>(Rows);

        Assert.Equal(Rows.LongLength, unwalkable.AsSnapshotQuery().LongCount());
        Assert.Equal(Rows.LongLength, ((IQueryable<Target>)unwalkable.AsSnapshotQuery()).Provider.Execute<long>(
            Expression.Call(typeof(Queryable), nameof(Queryable.LongCount), [typeof(Target)], unwalkable.AsSnapshotQuery().Expression)));
        // A filtered count still counts what matches.
        Assert.Equal(Rows.LongCount(t => t.Year == 2024), Rows.AsSnapshotQuery().Where(t => t.Year == 2024).LongCount());
        Assert.Throws<InvalidOperationException>(() => unwalkable.AsSnapshotQuery().Where(t => t.Year == 2024).LongCount());
    }

    // A list that answers its length and its items by index, and fails when walked.
    private sealed class UnwalkableList<T>(IReadOnlyList<T> items) : IList<T>
    {
        public T this[int index] { get => items[index]; set => throw new NotSupportedException(); }
        public int Count => items.Count;
        public bool IsReadOnly => true;
        public IEnumerator<T> GetEnumerator() => throw new InvalidOperationException("walked");
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public void Add(T item) => throw new NotSupportedException();
        public void Clear() => throw new NotSupportedException();
        public bool Contains(T item) => throw new InvalidOperationException("walked");
        public void CopyTo(T[] array, int arrayIndex) => throw new InvalidOperationException("walked");
        public int IndexOf(T item) => throw new InvalidOperationException("walked");
        public void Insert(int index, T item) => throw new NotSupportedException();
        public bool Remove(T item) => throw new NotSupportedException();
        public void RemoveAt(int index) => throw new NotSupportedException();
    }

    // t.Lower > 3 with a nullable result (null where Lower is): another node than the comparison C# writes, which is false there.
    private static Expression<Func<Target, bool>> LiftedToNull()
    {
        var t = Expression.Parameter(typeof(Target), "t");
        var compare = Expression.GreaterThan(Expression.Property(t, nameof(Target.Lower)), Expression.Constant(3m, typeof(decimal?)), liftToNull: true, method: null);
        return Expression.Lambda<Func<Target, bool>>(Expression.Equal(compare, Expression.Constant(true, typeof(bool?))), t);
    }
}
