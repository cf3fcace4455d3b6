using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using Microsoft.OData.UriParser.Aggregation;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.OData;

/// <summary>
/// What a query may cost, judged from its parsed form before it runs: function nesting and string-function calls,
/// the items its any/all and $count visit, and the entities its answer holds — in $filter, $orderby, $apply and every
/// nested $expand alike. Over a limit, an <see cref="ODataException"/> names it and its value (a 400).
/// </summary>
public static class QueryCost
{
    private static readonly HashSet<string> StringFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "contains", "startswith", "endswith", "length", "indexof", "substring", "tolower", "toupper", "trim", "concat", "matchesPattern",
    };

    /// <summary>
    /// A query whose estimate reaches this many microseconds of CPU is costly: it waits for a permit of the costly
    /// limiter, so that expensive queries queue behind each other instead of taking every core from the cheap ones.
    /// </summary>
    public const long CostlyMicroseconds = 20_000;

    /// <summary>
    /// Throws when <paramref name="options"/>, over a source of <paramref name="rows"/> rows, would cost more than the
    /// limits allow; else returns an estimate of its CPU time in microseconds, from per-item costs measured at national
    /// scale (a row read ~0.05 µs, a string function on it ~0.3 µs, an item of any/all ~0.02 µs, a row grouped or sorted
    /// ~0.5 µs, an expanded entity written by the OData library ~80 µs, a CSV field ~0.03 µs, an XLSX cell ~0.5 µs).
    /// </summary>
    public static long Check(ODataQueryOptions options, int rows, bool csv, CatalogueSnapshot catalogue, bool indexed = false)
    {
        var walk = new Walk(catalogue);
        if (options.Filter?.FilterClause is { } filter) walk.Expression(filter.Expression, rows);
        for (var order = options.OrderBy?.OrderByClause; order is not null; order = order.ThenBy) walk.Expression(order.Expression, rows);
        if (options.Apply?.ApplyClause is { } apply) walk.Apply(apply, rows);
        if (options.Compute is not null) throw Refused("$compute is not offered; select the properties and compute in the client.");

        var answerRows = csv ? rows : Math.Min(rows, Math.Min(options.Top?.Value ?? QueryLimits.PageSize, QueryLimits.PageSize));
        // Over a source that holds more rows than the window, however deep the $skip (a sort reads every row before it skips).
        if (!csv && options.Apply is null && rows > QueryLimits.MaxComputedOrderWindow && ComputedOrder(options.OrderBy?.OrderByClause)
            && (long)(options.Skip?.Value ?? 0) + answerRows > QueryLimits.MaxComputedOrderWindow)
            throw Refused($"A page ordered by a computed $orderby may end at most {QueryLimits.MaxComputedOrderWindow:N0} rows deep (MaxComputedOrderWindow); " +
                $"this one ends at {(long)(options.Skip?.Value ?? 0) + answerRows:N0}. Narrow the $filter, order by a property, or take the CSV.");
        long expanded = 0;
        if (options.SelectExpand?.SelectExpandClause is { } selection)
        {
            expanded = answerRows * walk.Expansion(selection, answerRows, csv);
            var entities = answerRows + expanded;
            if (!csv && entities > QueryLimits.MaxEntitiesPerAnswer)
                throw Refused($"The answer could hold {entities:N0} entities ({answerRows:N0} rows and what $expand adds to each); the limit (MaxEntitiesPerAnswer) is " +
                    $"{QueryLimits.MaxEntitiesPerAnswer:N0}. Lower $top, or give expanded collections a smaller $top.");
        }
        // A page of a list (`indexed`) that no filter, order, search or aggregation reads whole reads its own rows only ($skip into
        // a list is an index, not a walk: at a million targets the last page answers as fast as the first).
        var read = indexed && !csv && options.Filter is null && options.OrderBy is null && options.Apply is null && options.Search is null ? answerRows : rows;
        var microseconds = read * (0.05 + 0.3 * walk.StringCalls + (options.Apply is not null || options.OrderBy is not null ? 0.5 : 0))
            + walk.LambdaItems * 0.02
            + (csv ? (double)rows * Formatters.CsvEntityWriter.ColumnCount(options.Context.ElementClrType, options.SelectExpand?.SelectExpandClause) * FieldMicroseconds(options.Request) : expanded * 80.0);
        return (long)Math.Min(microseconds, long.MaxValue / 2);
    }

    // An XLSX cell costs ~16 times a CSV field (tests/benchmark/xlsx.sh: 1.5 s for the 3.1 million cells of every target).
    private static double FieldMicroseconds(HttpRequest request) => Formatters.CsvFormatExtensions.WantsXlsx(request) ? 0.5 : 0.03;

    private static ODataException Refused(string message) => new(message);

    // An $orderby with a clause that is not a property (through navigations, maybe converted): its key is computed for every row.
    private static bool ComputedOrder(OrderByClause? clause)
    {
        static bool Computed(QueryNode node) => node switch
        {
            SingleValuePropertyAccessNode or SingleValueOpenPropertyAccessNode or ConstantNode => false,
            ConvertNode convert => Computed(convert.Source),
            _ => true,
        };
        for (; clause is not null; clause = clause.ThenBy)
            if (Computed(clause.Expression)) return true;
        return false;
    }

    private sealed class Walk(CatalogueSnapshot catalogue)
    {
        private int _stringCalls;
        private long _lambdaItems;

        public int StringCalls => _stringCalls;
        public long LambdaItems => _lambdaItems;

        // $apply's expressions are not seen by the library's validators: its node count and any/all depth are checked here.
        private bool _inApply;
        private int _applyNodes;

        public void Apply(ApplyClause apply, long rows)
        {
            _inApply = true;
            foreach (var transformation in apply.Transformations) Transformation(transformation, rows);
            _inApply = false;
        }

        private void Transformation(TransformationNode node, long rows)
        {
            switch (node)
            {
                case FilterTransformationNode filter:
                    Expression(filter.FilterClause.Expression, rows);
                    break;
                case GroupByTransformationNode groupBy:
                    foreach (var property in groupBy.GroupingProperties) Grouping(property, rows);
                    if (groupBy.ChildTransformations is { } child) Transformation(child, rows);
                    break;
                case AggregateTransformationNode aggregate:
                    foreach (var expression in aggregate.AggregateExpressions) Aggregate(expression, rows);
                    break;
                case ComputeTransformationNode:
                    throw Refused("compute() in $apply is not offered, as $compute is not; group and aggregate the properties themselves.");
                default:
                    throw Refused($"The $apply transformation '{node.Kind}' is not offered; use filter, groupby and aggregate.");
            }
        }

        private void Grouping(GroupByPropertyNode property, long rows)
        {
            if (property.Expression is { } expression) Expression(expression, rows);
            foreach (var child in property.ChildTransformations) Grouping(child, rows);
        }

        private void Aggregate(AggregateExpressionBase aggregate, long rows)
        {
            if (aggregate is AggregateExpression { Expression: { } expression }) Expression(expression, rows);
            else if (aggregate is EntitySetAggregateExpression set) foreach (var child in set.Children) Aggregate(child, rows);
        }

        /// <summary>The entities $expand adds to one row, checking the options nested in it on the way.</summary>
        public long Expansion(SelectExpandClause clause, long rows, bool csv)
        {
            long perRow = 0;
            foreach (var item in clause.SelectedItems)
            {
                if (item is PathSelectItem { FilterOption: { } pathFilter }) Expression(pathFilter.Expression, rows);
                if (item is not ExpandedNavigationSelectItem expanded) continue;
                var navigation = expanded.PathToNavigationProperty.OfType<NavigationPropertySegment>().LastOrDefault()?.NavigationProperty;
                var collection = navigation?.Type.IsCollection() == true;
                if (csv && collection)
                    throw Refused($"CSV and XLSX have one line per row, so they cannot hold the collection '{navigation!.Name}' expanded into each; " +
                        $"ask for JSON, or for the table of the collection itself (…/{navigation.Name}?$format=csv or xlsx).");
                if (csv && (expanded.FilterOption is not null || expanded.OrderByOption is not null || expanded.TopOption is not null || expanded.SkipOption is not null
                    || expanded.CountOption is not null || expanded.LevelsOption is not null))
                    throw Refused("CSV and XLSX take only $select and $expand inside $expand.");
                if (!collection && (expanded.CountOption is not null || expanded.TopOption is not null || expanded.SkipOption is not null
                                    || expanded.OrderByOption is not null || expanded.FilterOption is not null))
                    throw Refused($"$count, $top, $skip, $orderby and $filter inside $expand apply to collections; '{navigation?.Name}' is a single entity.");
                if (expanded.ComputeOption is not null || expanded.ApplyOption is not null)
                    throw Refused("$compute and $apply are not offered inside $expand.");
                long each = collection ? Math.Min(expanded.TopOption ?? QueryLimits.PageSize, QueryLimits.PageSize) : 1;
                var nestedRows = rows * (collection ? MaxCount(navigation!) : 1);
                if (expanded.FilterOption is { } filter) Expression(filter.Expression, nestedRows);
                for (var order = expanded.OrderByOption; order is not null; order = order.ThenBy) Expression(order.Expression, nestedRows);
                var inner = expanded.SelectAndExpand is { } nested ? Expansion(nested, rows * each, csv) : 0;
                var levels = expanded.LevelsOption is { } l ? (l.IsMaxLevel ? QueryLimits.MaxExpansionDepth : (int)Math.Min(l.Level, QueryLimits.MaxExpansionDepth)) : 1;
                long added = 0;
                for (var level = 0; level < levels; level++) added = each * (1 + inner + added);
                perRow += added;
            }
            return perRow;
        }

        /// <summary>Checks one expression, evaluated once for each of <paramref name="rows"/> rows.</summary>
        public void Expression(QueryNode node, long rows) => Visit(node, rows, depth: 0);

        private int _lambdaDepth;

        private void Visit(QueryNode? node, long rows, int depth)
        {
            if (_inApply && node is not null && ++_applyNodes > QueryLimits.MaxNodeCount)
                throw Refused($"The $apply has more than {QueryLimits.MaxNodeCount} nodes; the limit (MaxNodeCount) is {QueryLimits.MaxNodeCount}.");
            switch (node)
            {
                case null:
                    return;
                case BinaryOperatorNode binary:
                    Visit(binary.Left, rows, depth);
                    Visit(binary.Right, rows, depth);
                    return;
                case UnaryOperatorNode unary:
                    Visit(unary.Operand, rows, depth);
                    return;
                case ConvertNode convert:
                    Visit(convert.Source, rows, depth);
                    return;
                case InNode @in:
                    Visit(@in.Left, rows, depth);
                    Visit(@in.Right, rows, depth);
                    return;
                case SingleValueFunctionCallNode function:
                    Function(function.Name, function.Parameters, rows, depth);
                    Visit(function.Source, rows, depth);
                    return;
                case SingleResourceFunctionCallNode function:
                    Function(function.Name, function.Parameters, rows, depth);
                    return;
                case CollectionFunctionCallNode function:
                    Function(function.Name, function.Parameters, rows, depth);
                    return;
                case CollectionResourceFunctionCallNode function:
                    Function(function.Name, function.Parameters, rows, depth);
                    return;
                case LambdaNode lambda:
                    Visit(lambda.Source, rows, depth);
                    var items = Items(lambda.Source, rows);
                    if (++_lambdaDepth > QueryLimits.MaxAnyAllExpressionDepth)
                        throw Refused($"any/all nest {_lambdaDepth} deep; the limit (MaxAnyAllExpressionDepth) is {QueryLimits.MaxAnyAllExpressionDepth}.");
                    Visit(lambda.Body, items, depth);
                    _lambdaDepth--;
                    return;
                case CountNode count:
                    Visit(count.Source, rows, depth);
                    var counted = Items(count.Source, rows);
                    if (count.FilterClause is { } countFilter) Visit(countFilter.Expression, counted, depth);
                    return;
                case SingleValuePropertyAccessNode property:
                    Visit(property.Source, rows, depth);
                    return;
                case SingleNavigationNode navigation:
                    Visit(navigation.Source, rows, depth);
                    return;
                case CollectionNavigationNode navigation:
                    Visit(navigation.Source, rows, depth);
                    return;
                case CollectionPropertyAccessNode property:
                    Visit(property.Source, rows, depth);
                    return;
                case SingleComplexNode complex:
                    Visit(complex.Source, rows, depth);
                    return;
                case CollectionComplexNode complex:
                    Visit(complex.Source, rows, depth);
                    return;
                case SingleResourceCastNode cast:
                    Visit(cast.Source, rows, depth);
                    return;
                case CollectionResourceCastNode cast:
                    Visit(cast.Source, rows, depth);
                    return;
                case SingleValueOpenPropertyAccessNode open:
                    Visit(open.Source, rows, depth);
                    return;
                default:
                    return;   // constants and range variables
            }
        }

        private void Function(string name, IEnumerable<QueryNode> parameters, long rows, int depth)
        {
            if (string.Equals(name, "matchesPattern", StringComparison.OrdinalIgnoreCase))
                throw Refused("matchesPattern is not offered: a regular expression can take unbounded time. Use contains, startswith, endswith or $search.");
            if (depth + 1 > QueryLimits.MaxFunctionNesting)
                throw Refused($"Function calls nest {depth + 1} deep here; the limit (MaxFunctionNesting) is {QueryLimits.MaxFunctionNesting}.");
            if (StringFunctions.Contains(name) && ++_stringCalls > QueryLimits.MaxStringFunctionCalls)
                throw Refused($"The query calls string functions (contains, concat, substring, …) more than {QueryLimits.MaxStringFunctionCalls} times; " +
                    $"that is the limit (MaxStringFunctionCalls). For words in the text, $search is cheaper.");
            foreach (var parameter in parameters) Visit(parameter, rows, depth + 1);
        }

        // The items a lambda or $count over `source` visits for `rows` rows, added to the query's total.
        private long Items(CollectionNode source, long rows)
        {
            var items = Saturating(rows, Largest(source));
            _lambdaItems = Math.Min(long.MaxValue / 2, _lambdaItems + items);
            if (_lambdaItems > QueryLimits.MaxLambdaItems)
                throw Refused($"any/all and $count over collections would visit up to {_lambdaItems:N0} items (the rows times the largest collection each crosses); " +
                    $"the limit (MaxLambdaItems) is {QueryLimits.MaxLambdaItems:N0}. Narrow the $filter first (a province, a year), or ask from the other side " +
                    "(/odata/Indicators('…')/Targets rather than Indicator/Targets/any on Targets).");
            return items;
        }

        private long Largest(CollectionNode source) => source switch
        {
            CollectionNavigationNode navigation => MaxCount(navigation.NavigationProperty),
            CollectionPropertyAccessNode property => MaxCount(property.Property),
            CollectionResourceCastNode cast => Largest(cast.Source),
            _ => 1,
        };

        private long MaxCount(IEdmProperty property) =>
            property.DeclaringType is IEdmEntityType type ? CollectionSizes.Largest(catalogue, type.ClrTypeOf(), property.Name) : 1;

        private static long Saturating(long a, long b) => b != 0 && a > long.MaxValue / 2 / b ? long.MaxValue / 2 : a * b;
    }
}

/// <summary>The largest collection each collection-valued property holds in the snapshot, found once.</summary>
internal static class CollectionSizes
{
    private static readonly ConditionalWeakTable<CatalogueSnapshot, ConcurrentDictionary<(Type, string), long>> Sizes = new();

    public static long Largest(CatalogueSnapshot catalogue, Type type, string property) =>
        Sizes.GetOrCreateValue(catalogue).GetOrAdd((type, property), key =>
        {
            if (key.Item1.GetProperty(key.Item2) is not { } clr) return 1;
            long largest = 0;
            foreach (var entity in catalogue.EntitiesOf(key.Item1))
                if (clr.GetValue(entity) is ICollection items && items.Count > largest) largest = items.Count;
            return Math.Max(largest, 1);
        });
}
