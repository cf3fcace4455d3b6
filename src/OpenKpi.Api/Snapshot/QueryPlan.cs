using System.Collections;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.OData;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// One query over the snapshot, planned from its parsed options and its answer's <see cref="AnswerFormat"/>: the rows it reads
/// (a list of the filter index, the search index's matches), the options the library still applies, and who pages and writes the
/// answer. A page of OData JSON with minimal metadata over entities whose selection <see cref="JsonPageWriter"/> writes is the
/// plan's whole: it pages the rows itself and its <see cref="Answer"/> writes every byte (rows, count, links, headers). A CSV or
/// XLSX is the plan's too: its rows go to the table writers as <see cref="TableRows"/>, with their $select/$expand. Anything else
/// is the library's to filter, project, page and write, with nothing skipped but $search (over the filter index's list, if any).
/// </summary>
public sealed class QueryPlan
{
    private QueryPlan(IQueryable source, AllowedQueryOptions skipped, int? narrowedRows, int? pageSize = null,
        IEdmEntitySet? set = null, JsonPageWriter.Selection? json = null, Table? table = null)
    {
        Source = source;
        Skipped = skipped;
        NarrowedRows = narrowedRows;
        PageSize = pageSize;
        _set = set;
        _json = json;
        _table = table;
    }

    // A CSV or XLSX: the columns its $select/$expand names, and whether it is one entity (a key, a single-valued navigation).
    private sealed record Table(SelectExpandClause? Selection, bool Single);

    private readonly Table? _table;
    private readonly IEdmEntitySet? _set;
    private readonly JsonPageWriter.Selection? _json;

    /// <summary>What the library's query options are applied to: the action's rows, or the smaller list that holds every match.</summary>
    public IQueryable Source { get; }

    /// <summary>The options the plan answers itself, which the library must not apply again.</summary>
    public AllowedQueryOptions Skipped { get; }

    /// <summary>The page the plan cuts itself (the library then pages nothing); null when the library pages, or nothing is paged.</summary>
    public int? PageSize { get; }

    /// <summary>Whether the plan writes the answer (else the library's formatters do).</summary>
    public bool Writes => _json is not null;

    /// <summary>How many rows the filter index narrowed the source to (the cost estimate's rows), with or without the fast paths.</summary>
    public int? NarrowedRows { get; }

    /// <summary>
    /// The plan of <paramref name="options"/> over <paramref name="queryable"/>. <paramref name="fast"/> off, the plan narrows
    /// nothing and writes nothing: only what has no library equivalent ($search, a table's whole entities, a tracked read's
    /// last page) is the plan's.
    /// </summary>
    public static QueryPlan Of(IQueryable queryable, ODataQueryOptions options, CatalogueSnapshot catalogue, bool fast)
    {
        var request = options.Request;
        var format = AnswerFormat.Of(request.HttpContext);
        var skipped = AllowedQueryOptions.None;
        var answered = AllowedQueryOptions.None;   // what the plan skips only when it writes the answer
        int? narrowedRows = null;
        // A filter on a province, year, indicator or document starts from the snapshot's list of those targets (and is that
        // list, when it asks nothing more: an answer the plan writes then skips the filter; the library applies it to the list).
        if (options.Apply is null && SnapshotQueryExtensions.SourceOf(queryable) is { } all && ReferenceEquals(all, catalogue.Targets)
            && TargetFilterIndex.Narrow(options.Filter?.FilterClause, catalogue) is { } narrowed)
        {
            narrowedRows = narrowed.Targets.Count;
            if (fast)
            {
                queryable = narrowed.Targets.AsSnapshotQuery();
                if (narrowed.Exact) answered = AllowedQueryOptions.Filter;
                // A /$count of that list is its length, which the library's count reads without walking it (QueryShape).
                if (narrowed.Exact && options.Context.Path?.LastSegment is CountSegment) skipped |= AllowedQueryOptions.Filter;
            }
        }
        // $search is answered from the snapshot's search index (without $orderby, matches that agree with the terms' marks as
        // typed come first, "má" before "mà"): the library has no search of its own.
        if (options.Search is { SearchClause: { } clause })
        {
            var search = KpiSearchBinder.Parse(clause);
            var index = SearchIndex(catalogue, queryable.ElementType);
            var whole = SnapshotQueryExtensions.SourceOf(queryable) is { } source && index.Covers(source);
            var found = index.Find(search, exactFirst: options.OrderBy is null, whole ? null : queryable);
            request.HttpContext.Response.RegisterForDispose(found);   // its bitsets back to their pool once the answer is written
            queryable = SnapshotQueryExtensions.Over(queryable, found);
            skipped |= AllowedQueryOptions.Search;
        }
        // A table is written from whole entities, with the columns its $select/$expand names; never paged.
        if (format.IsTable)
            return new QueryPlan(queryable, skipped | answered | AllowedQueryOptions.Select | AllowedQueryOptions.Expand, narrowedRows,
                table: new Table(options.SelectExpand?.SelectExpandClause, options.Context.Path?.LastSegment?.EdmType is not IEdmCollectionType));
        var collection = options.Context.Path?.LastSegment?.EdmType is IEdmCollectionType;
        var pageSize = Math.Min(QueryLimits.PageSize, PreferredPageSize(request) ?? int.MaxValue);
        if (fast && collection && JsonSelection(queryable, options, format, catalogue) is var (set, json))
        {
            if (options.SelectExpand is not null) answered |= AllowedQueryOptions.Select | AllowedQueryOptions.Expand;
            return new QueryPlan(queryable, skipped | answered, narrowedRows, pageSize, set, json);
        }
        // The library's answer: it applies every option but $search. A read that tracks changes gets its delta link on its last
        // page, which only a plan that cuts the page itself knows.
        var tracked = collection && DeltaTracking.Tracks(request, catalogue);
        return new QueryPlan(queryable, skipped, narrowedRows, tracked ? pageSize : null);
    }

    /// <summary>
    /// The search index of <paramref name="type"/>'s set. It is built once, after start-up (seconds at a million targets): a
    /// search waits for it within its time budget, and past that is asked to come back (503 with Retry-After), rather than
    /// hold its thread until the index is done, however long the budget or the client's patience.
    /// </summary>
    internal static OpenKpi.Domain.Text.ISearchIndex SearchIndex(CatalogueSnapshot catalogue, Type type)
    {
        var built = catalogue.SearchIndexBuilt(type);
        if (built.IsCompleted || QueryBudget.Current is not { } budget) return built.GetAwaiter().GetResult();
        budget.Aborted.ThrowIfCancellationRequested();   // a client that has gone waits for nothing
        if (!built.Wait((int)Math.Ceiling(budget.Remaining.TotalMilliseconds), budget.Aborted))
            throw new SearchIndexPendingException(
                $"The search index of {CatalogueSets.Of(type).Name} is still being built (it is built once, in the seconds after the service starts). Retry after the time in Retry-After.");
        return built.GetAwaiter().GetResult();
    }

    // The entity set and the selection the page writer writes, when it writes this answer: OData 4.0 JSON with minimal metadata
    // (the library's default, certainly the type negotiation picks), of entities, no $apply, $compute or delta payload.
    private static (IEdmEntitySet, JsonPageWriter.Selection)? JsonSelection(IQueryable queryable, ODataQueryOptions options, AnswerFormat format, CatalogueSnapshot catalogue)
    {
        var request = options.Request;
        if (format.PlannedJson is null || options.Apply is not null || options.Compute is not null || DeltaTracking.FollowsDelta(request)) return null;
        if (options.Context.Path is not { } path || path.NavigationSource() is not IEdmEntitySet set) return null;
        if (path.LastSegment is not (EntitySetSegment or NavigationPropertySegment { NavigationProperty.Type.Definition: IEdmCollectionType })) return null;
        if (queryable.ElementType != set.EntityType.ClrTypeOf()) return null;
        var writer = request.HttpContext.RequestServices.GetRequiredService<JsonPageWriter>();
        if (writer.SelectionOf(set, options.SelectExpand?.SelectExpandClause, catalogue.EntitiesOf, request, options.Context.Model, full: format.PlannedJson == AnswerFormat.Metadata.Full) is not { } selection) return null;
        // Expanded collections are paged as the library pages them under its page size; under a preferred page size, or
        // when the plan pages a tracked read (the library then pages nothing nested), they are the library's to write.
        if (selection.ExpandsCollections && (PreferredPageSize(request) is not null || DeltaTracking.Tracks(request, catalogue))) return null;
        return (set, selection);
    }

    /// <summary>The library's result as the plan runs it: when the plan pages, one row more than a page (which tells whether the page was cut), with the plan.</summary>
    public IQueryable Over(IQueryable result) =>
        PageSize is { } size
            ? new PlannedQuery(result.Provider.CreateQuery(System.Linq.Expressions.Expression.Call(typeof(Queryable), nameof(Queryable.Take), [result.ElementType],
                result.Expression, System.Linq.Expressions.Expression.Constant(size + 1))), this)
            : _table is not null ? new PlannedQuery(result, this)
            : result;

    /// <summary>Whether the answer is a CSV or XLSX table, written by their formatters from the plan's <see cref="TableRows"/>.</summary>
    public bool AnswersTable => _table is not null;

    /// <summary>The columns of the table the plan answers with, when it answers with one.</summary>
    public SelectExpandClause? TableSelection => _table?.Selection;

    /// <summary>The table of <paramref name="rows"/> (a list, or one entity) for the CSV and XLSX writers; null when the plan answers no table.</summary>
    public TableRows? TableOf(object rows) => _table is null ? null : new TableRows(rows, _table.Selection);

    // The library takes the one entity of a key or single-valued navigation by enumerating the query: it gets the table of it.
    internal IEnumerable Enumerate(IQueryable query)
    {
        if (_table is not { Single: true }) return query;
        return Tables(query);

        IEnumerable Tables(IQueryable rows)
        {
            foreach (var row in rows) yield return TableOf(row)!;
        }
    }

    /// <summary>
    /// The rows the library's options left, paged by the plan when it pages: the page, and the link to the next one when the page
    /// was cut (as the library links it: $top and $skip carried on).
    /// </summary>
    public (IList Rows, Uri? NextLink) Page(IList rows, HttpRequest request)
    {
        if (PageSize is not { } size || rows.Count <= size) return (rows, null);
        rows.RemoveAt(size);
        return (rows, request.GetNextPageLink(size, null, null));
    }

    /// <summary>The answer the plan writes: the page, its count and links, with the headers of OData 4.0 JSON.</summary>
    public IActionResult Answer(IList rows, Uri? nextLink, HttpRequest request) =>
        new PlannedAnswer(_set!, _json!, rows, _json!.PagesOf(rows), request.ODataFeature().TotalCount, nextLink, request.ODataFeature().DeltaLink);

    // "Prefer: odata.maxpagesize=10" (or the older "maxpagesize"), among other preferences, as the library reads it.
    internal static int? PreferredPageSize(HttpRequest request)
    {
        foreach (var preference in request.Headers.GetCommaSeparatedValues("Prefer"))
        {
            var (name, value) = preference.Split(';')[0].Split('=', 2, StringSplitOptions.TrimEntries) is [var n, var v] ? (n, v) : ("", "");
            if ((name.Equals("odata.maxpagesize", StringComparison.OrdinalIgnoreCase) || name.Equals("maxpagesize", StringComparison.OrdinalIgnoreCase))
                && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) && size > 0)
                return size;
        }
        return null;
    }

    private sealed class PlannedAnswer(IEdmEntitySet set, JsonPageWriter.Selection selection, IList rows, JsonPageWriter.NestedPage[][]? pages, long? count,
        Uri? nextLink, Uri? deltaLink) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) =>
            context.HttpContext.RequestServices.GetRequiredService<JsonPageWriter>().WriteAsync(context.HttpContext, set, selection, rows, pages, count, nextLink, deltaLink);
    }
}

/// <summary>A query the plan pages and maybe writes: the library's result, with the plan that made it.</summary>
public sealed class PlannedQuery(IQueryable query, QueryPlan plan) : IQueryable
{
    public IQueryable Query { get; } = query;
    public QueryPlan Plan { get; } = plan;
    public Type ElementType => Query.ElementType;
    public System.Linq.Expressions.Expression Expression => Query.Expression;
    public IQueryProvider Provider => Query.Provider;
    public IEnumerator GetEnumerator() => Plan.Enumerate(Query).GetEnumerator();
}

/// <summary>A search that came before its set's search index was built, and could not wait for it within its budget: a 503.</summary>
public sealed class SearchIndexPendingException(string message) : Exception(message);
