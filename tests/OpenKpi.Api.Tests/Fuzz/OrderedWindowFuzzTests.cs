using System.Linq.Expressions;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using Xunit.Abstractions;

namespace OpenKpi.Api.Tests.Fuzz;

/// <summary>
/// <see cref="OrderedWindow"/> gives the rows LINQ gives: generated orderings (1–3 clauses over string, int, decimal,
/// nullable, enum, bool, double and computed keys, as the OData library binds them, asc and desc, some with a comparer of
/// their own) and generated windows ($skip, $top, the page's Take, a $select's Select; some deeper than
/// <see cref="OrderedWindow.MaxWindow"/>), over the seeds' targets and a generated set full of ties and nulls. Seeded
/// and replayable: OPENKPI_ORDER_FUZZ_SEED and OPENKPI_ORDER_FUZZ_COUNT; case i is generated from seed + i alone.
/// </summary>
[Collection(KpiCollection.Name)]
public sealed class OrderedWindowFuzzTests(KpiApplication app, ITestOutputHelper output)
{
    private const int DefaultSeed = 20261201;
    private const int DefaultCount = 1500;

    private static readonly ParameterExpression Row = Expression.Parameter(typeof(Target), "$it");

    // Keys as the OData library binds $orderby clauses: properties, navigation paths with null propagation, functions.
    private static readonly (string Name, LambdaExpression Key)[] Keys =
    [
        ("SourceLabel", Key(t => t.SourceLabel)),
        ("RawValue", Key(t => t.RawValue)),
        ("Year", Key(t => t.Year)),
        ("Year mod 3", Key(t => t.Year % 3)),
        ("Lower", Key(t => t.Lower)),
        ("Upper ?? Lower", Key(t => t.Upper ?? t.Lower)),
        ("Comparator", Key(t => t.Comparator)),
        ("IsHeading", Key(t => t.IsHeading)),
        ("Lower div 3 (double)", Key(t => t.Lower == null ? null : (double?)t.Lower / 3)),
        ("length(SourceLabel)", Key(t => t.SourceLabel.Length)),
        ("concat(concat(SourceLabel,Id),RawValue)", Key(t => string.Concat(string.Concat(t.SourceLabel, t.Id), t.RawValue))),
        ("Province/Name", Key(t => t.Province == null ? null : t.Province.Name)),
        ("ProvinceId", Key(t => t.ProvinceId)),
        ("Id", Key(t => t.Id)),
    ];

    private static LambdaExpression Key<TKey>(Expression<Func<Target, TKey>> key) =>
        Expression.Lambda(new Rebind(key.Parameters[0], Row).Visit(key.Body), Row);

    [Fact]
    public void GeneratedOrderingsAndWindowsSelectTheRowsLinqSelects()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_ORDER_FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("OPENKPI_ORDER_FUZZ_COUNT"), out var c) ? c : DefaultCount;
        var seeds = app.Services.GetRequiredService<CatalogueSnapshot>().Targets.ToArray();
        var generated = Generated(new Random(seed), 6000);
        var failures = new List<string>();
        int windows = 0, deep = 0;
        for (var i = 0; i < count && failures.Count < 5; i++)
        {
            var random = new Random(unchecked(seed + i));
            var rows = random.Next(3) == 0 ? generated : seeds;
            var query = Query(random, rows.Length);
            var linq = Expression.Lambda<Func<IEnumerable<string>>>(query.Build(Expression.Constant(rows, typeof(IEnumerable<Target>))));
            var rewritten = (Expression<Func<IEnumerable<string>>>)OrderedWindow.Rewrite(linq);
            var selects = new SelectFinder();
            selects.Visit(rewritten);
            var expected = linq.Compile()().ToList();
            var actual = rewritten.Compile()().ToList();
            // And through the snapshot's query provider, as a request runs it.
            var provided = query.Run(rows.AsSnapshotQuery());
            var describe = $"case {i} (OPENKPI_ORDER_FUZZ_SEED={unchecked(seed + i)} OPENKPI_ORDER_FUZZ_COUNT=1) over {(rows == generated ? "the generated set" : "the seeds")}: {query}";
            if (selects.Count != 1) failures.Add($"{describe}: rewritten into {selects.Count} window selections, not 1");
            else if (!expected.SequenceEqual(actual)) failures.Add($"{describe}: {Difference(expected, actual)}");
            else if (!expected.SequenceEqual(provided)) failures.Add($"{describe}: through the snapshot provider, {Difference(expected, provided)}");
            if ((long)(query.HasSkip ? query.Skip : 0) + (query.Paged ? Math.Min(query.Take, QueryLimits.PageSize + 1) : query.Take) <= OrderedWindow.MaxWindow) windows++; else deep++;
        }
        output.WriteLine($"seed {seed}, {count} cases: {windows} windows selected by the heap, {deep} deeper than MaxWindow (LINQ's own)");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(windows > count / 2 && deep > 0, $"the generator must try both paths: {windows} heap, {deep} LINQ");
    }

    [Fact]
    public async Task PagesOfAnOrderedCollectionAreTheRowsOfTheWholeSortedCollection()
    {
        // Over HTTP, through the library's own tree ($orderby, $skip, $top and its page): each page equals the same
        // window of the whole set sorted here, by a stable sort with the default comparers.
        var targets = app.Services.GetRequiredService<CatalogueSnapshot>().Targets;
        var random = new Random(DefaultSeed);
        (string Clause, Func<IEnumerable<Target>, IOrderedEnumerable<Target>> Sort)[] cases =
        [
            ("Year desc,SourceLabel", t => t.OrderByDescending(x => x.Year).ThenBy(x => x.SourceLabel)),
            // concat of a null is null (the library's null propagation)
            ("concat(concat(SourceLabel,Id),RawValue) desc", t => t.OrderByDescending(x => x.RawValue is null ? null : x.SourceLabel + x.Id + x.RawValue)),
            ("Province/Name,Lower desc", t => t.OrderBy(x => x.Province?.Name).ThenByDescending(x => x.Lower)),
            ("RawValue,Comparator desc,Year", t => t.OrderBy(x => x.RawValue).ThenByDescending(x => x.Comparator).ThenBy(x => x.Year)),
            ("IsHeading", t => t.OrderBy(x => x.IsHeading)),
        ];
        foreach (var (clause, sort) in cases)
        {
            var sorted = sort(targets).Select(t => t.Id).ToList();
            foreach (var (skip, top) in new (int, int?)[] { (0, null), (random.Next(targets.Count), 7), (random.Next(200), null), (targets.Count - 3, 10), (0, 1) })
            {
                var url = $"/odata/Targets?$orderby={clause}&$skip={skip}&$select=Id" + (top is { } t ? $"&$top={t}" : "");
                var page = await app.GetJson(url);
                var ids = page["value"]!.AsArray().Select(row => (string)row!["Id"]!).ToList();
                Assert.Equal(sorted.Skip(skip).Take(Math.Min(top ?? int.MaxValue, QueryLimits.PageSize)), ids);
            }
        }
    }

    // One generated query: an ordering of 1–3 clauses, a window, and what stands between them.
    private sealed record GeneratedQuery((string Name, LambdaExpression Key, bool Descending, bool OwnComparer)[] Clauses, int Skip, int Take, bool HasSkip, bool Paged, bool Projected)
    {
        public Expression Build(Expression source)
        {
            Expression current = source;
            var first = true;
            foreach (var (_, key, descending, own) in Clauses)
            {
                var name = (first ? "OrderBy" : "ThenBy") + (descending ? "Descending" : "");
                var method = typeof(Enumerable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == (own ? 3 : 2))
                    .MakeGenericMethod(typeof(Target), key.ReturnType);
                current = own ? Expression.Call(method, current, key, Expression.Constant(OwnComparer, typeof(IComparer<string>))) : Expression.Call(method, current, key);
                first = false;
            }
            Expression<Func<Target, string>> id = t => t.Id;
            if (Projected) current = Expression.Call(Method(nameof(Enumerable.Select), typeof(Target), typeof(string)), current, id);
            var element = Projected ? typeof(string) : typeof(Target);
            if (HasSkip) current = Expression.Call(Method(nameof(Enumerable.Skip), element), current, Expression.Constant(Skip));
            current = Expression.Call(Method(nameof(Enumerable.Take), element), current, Expression.Constant(Take));
            if (Paged) current = Expression.Call(Method(nameof(Enumerable.Take), element), current, Expression.Constant(QueryLimits.PageSize + 1));
            return Projected ? current : Expression.Call(Method(nameof(Enumerable.Select), typeof(Target), typeof(string)), current, id);
        }

        // The same query through Queryable, as the OData library builds it over the snapshot.
        public List<string> Run(IQueryable<Target> source)
        {
            var tree = new ToQueryable().Visit(Build(Expression.Constant(source, typeof(IQueryable<Target>))));
            return source.Provider.CreateQuery<string>(tree).ToList();
        }

        public override string ToString() =>
            $"$orderby={string.Join(",", Clauses.Select(c => c.Name + (c.Descending ? " desc" : "") + (c.OwnComparer ? " (ordinal-difference comparer)" : "")))}"
            + (Projected ? " then Select(Id)" : "") + (HasSkip ? $", Skip({Skip})" : "") + $", Take({Take})" + (Paged ? $", Take({QueryLimits.PageSize + 1})" : "");
    }

    // A comparer whose answers are not -1, 0 and 1 (string.CompareOrdinal's differences), for the overload with a comparer.
    private static readonly IComparer<string> OwnComparer = Comparer<string>.Create((a, b) => string.CompareOrdinal(a, b));

    private static GeneratedQuery Query(Random random, int rows)
    {
        var clauses = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
        {
            var (name, key) = Keys[random.Next(Keys.Length)];
            return (name, key, random.Next(2) == 0, key.ReturnType == typeof(string) && random.Next(6) == 0);
        }).ToArray();
        int Size() => random.Next(10) switch
        {
            0 => 0,
            1 => 1,
            2 => rows,
            3 => rows + random.Next(1, 50),
            4 => OrderedWindow.MaxWindow + random.Next(1, 5000),
            5 => int.MaxValue - random.Next(2),
            _ => random.Next(1, Math.Min(rows, 400)),
        };
        int skip = Size(), take = Size();
        if (random.Next(4) == 0) skip = 0;
        return new GeneratedQuery(clauses, skip, take, HasSkip: random.Next(4) != 0, Paged: random.Next(2) == 0, Projected: random.Next(4) == 0);
    }

    // Rows full of ties and nulls: few labels (accents and case among them), years, values and provinces; unique ids.
    private static Target[] Generated(Random random, int count)
    {
        string[] labels = ["a", "A", "á", "à", "b", "B", "", "ab", "Tỷ lệ", "tỷ lệ", "Đ", "đ", "z", "0"];
        string?[] values = [null, "1", "1,5", "≥ 90%", "", "90", "09"];
        decimal?[] numbers = [null, 0m, 1m, 1.0m, 1.00m, -2.5m, 90m, 0.1m, 79228162514264337593543950335m];
        Province?[] provinces = [null, new() { Id = "VN-A", Name = "Hà Nội", NameEn = "Ha Noi" }, new() { Id = "VN-B", Name = "Ha Noi", NameEn = "Ha Noi" },
            new() { Id = "VN-C", Name = "Đà Nẵng", NameEn = "Da Nang" }];
        var comparators = Enum.GetValues<Comparator>();
        return Enumerable.Range(0, count).Select(i =>
        {
            var province = provinces[random.Next(provinces.Length)];
            return new Target
            {
                Id = $"g-{random.Next(1000):000}-{i:00000}",
                DocumentId = "generated",
                SourceLabel = labels[random.Next(labels.Length)],
                RawValue = values[random.Next(values.Length)],
                Year = 2016 + random.Next(10),
                Lower = numbers[random.Next(numbers.Length)],
                Upper = numbers[random.Next(numbers.Length)],
                Comparator = random.Next(4) == 0 ? null : comparators[random.Next(comparators.Length)],
                IsHeading = random.Next(5) == 0,
                Province = province,
                ProvinceId = province?.Id,
            };
        }).ToArray();
    }

    private static System.Reflection.MethodInfo Method(string name, params Type[] arguments) =>
        typeof(Enumerable).GetMethods().Single(m => m.Name == name && m.GetParameters().Length == 2 && m.GetGenericArguments().Length == arguments.Length
            && (name == nameof(Enumerable.Select) ? m.GetParameters()[1].ParameterType.GetGenericTypeDefinition() == typeof(Func<,>) : m.GetParameters()[1].ParameterType == typeof(int)))
        .MakeGenericMethod(arguments);

    private static string Difference(List<string> expected, List<string> actual)
    {
        var at = expected.Zip(actual).TakeWhile(p => p.First == p.Second).Count();
        return $"LINQ gives {expected.Count} rows, the window {actual.Count}; first difference at {at}: " +
            $"{expected.ElementAtOrDefault(at) ?? "(none)"} vs {actual.ElementAtOrDefault(at) ?? "(none)"}";
    }

    private sealed class SelectFinder : ExpressionVisitor
    {
        public int Count { get; private set; }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(OrderedWindow)) Count++;
            return base.VisitMethodCall(node);
        }
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    // Enumerable calls back into their Queryable twins, with quoted lambdas, as the library writes them.
    private sealed class ToQueryable : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType != typeof(Enumerable)) return base.VisitMethodCall(node);
            var arguments = node.Arguments.Select(a => Visit(a) is var v && v is LambdaExpression ? Expression.Quote(v) : v).ToArray();
            var twin = typeof(Queryable).GetMethods().Single(m => m.Name == node.Method.Name && m.GetParameters().Length == arguments.Length
                && m.GetGenericArguments().Length == node.Method.GetGenericArguments().Length
                && m.GetParameters().Zip(node.Method.GetGenericMethodDefinition().GetParameters()).All(p => Shape(p.First.ParameterType) == Shape(p.Second.ParameterType)))
                .MakeGenericMethod(node.Method.GetGenericArguments());
            return Expression.Call(twin, arguments);
        }

        // A parameter's type with the Queryable/Enumerable difference taken out.
        private static string Shape(Type type) => type.IsGenericType
            ? (type.GetGenericTypeDefinition() == typeof(Expression<>) ? Shape(type.GetGenericArguments()[0]) : type.GetGenericTypeDefinition().Name
                .Replace("IOrderedQueryable", "IOrderedEnumerable").Replace("IQueryable", "IEnumerable") + "<" + string.Join(",", type.GetGenericArguments().Select(Shape)) + ">")
            : type.IsGenericParameter ? "T" + type.GenericParameterPosition : type.Name;
    }
}
