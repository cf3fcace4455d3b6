using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.OData;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.OData;

/// <summary>
/// OData query options with the service's limits. A rejected query answers 400 with the OData error
/// shape and no inner error: the library's own answer carries a stack trace in every environment.
/// </summary>
public sealed class KpiQueryAttribute : EnableQueryAttribute
{
    public KpiQueryAttribute()
    {
        PageSize = QueryLimits.PageSize;
        MaxTop = QueryLimits.MaxTop;
        MaxExpansionDepth = QueryLimits.MaxExpansionDepth;
        MaxNodeCount = QueryLimits.MaxNodeCount;
        MaxOrderByNodeCount = QueryLimits.MaxOrderByNodeCount;
        MaxAnyAllExpressionDepth = QueryLimits.MaxAnyAllExpressionDepth;
        // The snapshot's collections have a fixed order (published order for rows), so pages are stable
        // without the library's default sort by key, which would also undo the search ranking below.
        EnsureStableOrdering = false;
        // In memory, a missing navigation (a target with no province) must read as null, not throw.
        HandleNullPropagation = HandleNullPropagationOption.True;
        AllowedQueryOptions = AllowedQueryOptions.All & ~AllowedQueryOptions.Apply & ~AllowedQueryOptions.Compute;
    }

    /// <summary>Allows $apply (groupby, aggregate, filter) on this action.</summary>
    public bool AllowAggregation
    {
        get => AllowedQueryOptions.HasFlag(AllowedQueryOptions.Apply);
        set => AllowedQueryOptions = value ? AllowedQueryOptions | AllowedQueryOptions.Apply : AllowedQueryOptions & ~AllowedQueryOptions.Apply;
    }

    // The query's plan (QueryPlan) narrows the rows it reads, answers $search from the snapshot's search index, and pages and
    // writes the answer itself when it is a page of OData JSON it writes whole; the library applies the other options.
    // A CSV download is never cut into pages: it holds every row the query selects, or the request fails.
    public override IQueryable ApplyQuery(IQueryable queryable, ODataQueryOptions queryOptions)
    {
        var services = queryOptions.Request.HttpContext.RequestServices;
        var catalogue = services.GetRequiredService<CatalogueSnapshot>();
        var fast = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FastPathOptions>>().Value.Enabled;
        if (!fast && SnapshotQueryExtensions.SourceOf(queryable) is System.Collections.IEnumerable rows)
            queryable = SnapshotQueryExtensions.AsSnapshotQuery(rows, queryable.ElementType, SnapshotQueryProvider.Plain);   // LINQ to Objects, no compiled shapes
        var delta = DeltaTracking.FollowsDelta(queryOptions.Request);
        if (delta) queryable = DeltaTracking.Since(queryable, queryOptions, catalogue);   // what changed after the token's revision, whole and unpaged
        var plan = QueryPlan.Of(queryable, queryOptions, catalogue, fast);
        var csv = queryOptions.Request.WantsTable();   // CSV or XLSX: the same table, unpaged
        if (csv && queryOptions.Apply is not null)
            throw new ODataException($"{queryOptions.Request.TableFormat()} is not offered for $apply results; ask for JSON (the default).");
        // The library's full-metadata writer builds navigation links from ids that aggregated rows do not have, and fails mid-answer.
        if (queryOptions.Apply is not null && AnswerFormat.Of(queryOptions.Request.HttpContext).FullMetadata)
            throw new ODataException("odata.metadata=full is not offered for $apply results: they are groups, not entities, with no ids or links to describe. " +
                "Use odata.metadata=minimal (the default) or none.");
        // The narrowed list's size is the cost estimate's rows, fast paths or not: the limits must refuse alike.
        var source = SnapshotQueryExtensions.SourceOf(plan.Source);
        if (QueryCost.Check(queryOptions, plan.NarrowedRows ?? RowsOf(source, plan.Source.ElementType, catalogue), csv, catalogue,
                indexed: source is System.Collections.IList) >= QueryCost.CostlyMicroseconds
            && !queryOptions.Request.HttpContext.Items.ContainsKey(AdmittedKey))
            throw new CostlyQueryPending();   // applied again once it holds a permit of the costly limiter
        var paged = !csv && !delta;
        if (paged && queryOptions.Context.Path?.LastSegment?.EdmType is Microsoft.OData.Edm.IEdmCollectionType && QueryPlan.PreferredPageSize(queryOptions.Request) is { } preferred)
            queryOptions.Request.HttpContext.Response.Headers["Preference-Applied"] = $"odata.maxpagesize={Math.Min(preferred, QueryLimits.PageSize)}";   // the page is the smaller
        try
        {
            var result = queryOptions.ApplyTo(plan.Source, new ODataQuerySettings
            {
                PageSize = paged && plan.PageSize is null ? QueryLimits.PageSize : null,
                EnsureStableOrdering = false,
                HandleNullPropagation = HandleNullPropagationOption.True,
            }, plan.Skipped);
            return plan.Over(result);
        }
        catch (ArgumentException) when (queryOptions.Apply is not null && (queryOptions.Filter ?? (object?)queryOptions.OrderBy ?? queryOptions.SelectExpand) is not null)
        {
            // The library binds $filter, $orderby and $select to what $apply returns, and fails on a property that is not there.
            throw new ODataException("After $apply, $filter, $orderby and $select see only what $apply returns: its groupby properties and aggregates. " +
                "Put the filter inside $apply (filter(…)/groupby(…)), or name an aggregate.");
        }
    }

    // The rows the rest of the query reads, from the collection behind it: a snapshot list's, a search's matches (the index has
    // been read by then), or else the whole entity set's.
    private static int RowsOf(object? source, Type elementType, CatalogueSnapshot catalogue) => source switch
    {
        OpenKpi.Domain.Text.IFound found => found.Count,
        System.Collections.ICollection list => list.Count,
        _ => catalogue.EntitiesOf(elementType).Count,
    };

    // The library rejects a query in OnActionExecuting (parsing, limits) or in OnActionExecuted (applying it).
    // What reading the client's query throws, of any type, is the query's fault: the parser met input it could not take.
    public override void OnActionExecuting(ActionExecutingContext actionExecutingContext)
    {
        try
        {
            base.OnActionExecuting(actionExecutingContext);
            actionExecutingContext.Result = WithoutInnerError(actionExecutingContext.Result);
        }
        catch (Exception e) when (Unwrap(e) is not OperationCanceledException)
        {
            actionExecutingContext.Result = Unreadable(Unwrap(e));
        }
    }

    // Applying and running it, only the library's query exceptions and what the query's own arithmetic throws are the
    // client's; anything else is a fault of this service, a 500 that the fuzz tests see.
    public override void OnActionExecuted(ActionExecutedContext actionExecutedContext)
    {
        try
        {
            base.OnActionExecuted(actionExecutedContext);
            actionExecutedContext.Result = Evaluate(WithoutInnerError(actionExecutedContext.Result), actionExecutedContext.HttpContext);
        }
        catch (Exception e) when (Unwrap(e) is CostlyQueryPending)
        {
            actionExecutedContext.HttpContext.Items[PendingKey] = true;
        }
        catch (Exception e) when (Unwrap(e) is StaleLinkException stale)
        {
            actionExecutedContext.Result = ODataErrors.Result(StatusCodes.Status410Gone, "StartOver", stale.Message);
        }
        catch (Exception e) when (Unwrap(e) is Snapshot.SearchIndexPendingException pending)
        {
            var http = actionExecutedContext.HttpContext;
            http.RequestServices.GetRequiredService<Http.QueryAdmission>().SetRetryAfter(http);
            actionExecutedContext.Result = ODataErrors.Result(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", pending.Message);
        }
        catch (Exception e) when (IsQueryFault(e))
        {
            actionExecutedContext.Result = Unreadable(Unwrap(e));
        }
    }

    private const string PendingKey = "OpenKpi.CostlyPending";
    private const string AdmittedKey = "OpenKpi.CostlyAdmitted";

    private sealed class CostlyQueryPending : Exception;

    // A costly query (QueryCost's estimate) is applied and run only while it holds a permit of the costly limiter, which it
    // waits for here, asynchronously, having given back its query permit; it keeps the permit until its answer is written.
    public override async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        OnActionExecuting(context);
        if (context.Result is not null) return;
        var executed = await next();
        OnActionExecuted(executed);
        var http = context.HttpContext;
        if (!http.Items.Remove(PendingKey)) return;
        var admission = http.RequestServices.GetRequiredService<Http.QueryAdmission>();
        var lease = await admission.EnterCostlyAsync(http);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            executed.Result = ODataErrors.Result(StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", admission.Busy(http, costly: true));
            return;
        }
        http.Response.RegisterForDispose(lease);
        admission.RestartBudget(http);   // the deadline counts from the end of the wait
        http.Items[AdmittedKey] = true;
        OnActionExecuted(executed);
    }

    private static bool IsQueryFault(Exception e) =>
        Unwrap(e) is ODataException or QueryBudgetExceededException or ArithmeticException or NotImplementedException
        || Unwrap(e) is NotSupportedException && Unwrap(e).TargetSite?.DeclaringType?.Namespace?.StartsWith("Microsoft.AspNetCore.OData", StringComparison.Ordinal) == true;

    // The library runs parts of the query through reflection, which wraps what the query threw.
    private static Exception Unwrap(Exception e) =>
        e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? Unwrap(inner) : e;

    // The query runs here, over the in-memory snapshot, rather than while the answer is being written:
    // a failure its expressions cause (division by zero, an overflow, the time limit) is then a 400, not a broken 200.
    // A plan that pages cuts the page here (and links the next), and one that writes its answer becomes the action's result.
    private static IActionResult? Evaluate(IActionResult? outcome, HttpContext http)
    {
        if (outcome is not ObjectResult { Value: IQueryable queryable } result) return outcome;
        var plan = (queryable as PlannedQuery)?.Plan;
        if (queryable is PlannedQuery planned) queryable = planned.Query;
        var rows = Materializers.GetOrAdd(queryable.ElementType, Materializer)(queryable);
        if (plan is { AnswersTable: true } && rows is System.Collections.ICollection all) CheckCsvSize(http, queryable.ElementType, all.Count, plan.TableSelection);
        var catalogue = http.RequestServices.GetRequiredService<CatalogueSnapshot>();
        var feature = Microsoft.AspNetCore.OData.Extensions.HttpContextExtensions.ODataFeature(http);
        Uri? nextLink = null;
        if (plan is not null)
        {
            (var page, nextLink) = plan.Page((System.Collections.IList)rows, http.Request);
            rows = page;
        }
        if (DeltaTracking.FollowsDelta(http.Request))
        {
            rows = DeltaSets.GetOrAdd(queryable.ElementType, DeltaSet)(rows, http.Request, catalogue);
            result.DeclaredType = rows.GetType();   // the library writes a delta payload only for a DeltaSet<T> it is told of
        }
        else DeltaTracking.OnLastPage(http.Request, catalogue, pageWasCut: nextLink is not null);
        _ = feature.TotalCount;   // a $count the library left to compute is computed here, within the budget
        QueryBudget.Current?.EndEvaluation();
        if (plan is { Writes: true }) return plan.Answer((System.Collections.IList)rows, nextLink, http.Request);
        if (plan?.TableOf(rows) is { } tableRows)
        {
            result.Value = tableRows;
            result.DeclaredType = typeof(TableRows);
            return result;
        }
        if (nextLink is not null) feature.NextLink = nextLink;   // a page the plan cut, written by the library
        result.Value = rows;
        return result;
    }

    // An XLSX is the CSV's table in another format, under the same limits.
    private static void CheckCsvSize(HttpContext context, Type element, int rows, Microsoft.OData.UriParser.SelectExpandClause? selection)
    {
        var format = context.Request.TableFormat();
        if (rows > QueryLimits.MaxCsvRows)
            throw new ODataException($"The {format} would hold {rows:N0} rows; the limit (MaxCsvRows) is {QueryLimits.MaxCsvRows:N0}. " +
                "Narrow the $filter, or take the whole dataset from /downloads.");
        var fields = (long)rows * CsvEntityWriter.ColumnCount(element, selection);
        if (fields > QueryLimits.MaxCsvFields)
            throw new ODataException($"The {format} would hold {fields:N0} fields (rows × columns); the limit (MaxCsvFields) is {QueryLimits.MaxCsvFields:N0}. " +
                "Expand fewer navigations, $select the columns you need, or narrow the $filter.");
    }

    // Materialize<T> for each element type, bound once (reflection's MakeGenericMethod and Invoke cost every request).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<IQueryable, object>> Materializers = new();

    // DeltaTracking.DeltaSetOf<T> for each element type, bound once.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, HttpRequest, CatalogueSnapshot, object>> DeltaSets = new();

    private static Func<object, HttpRequest, CatalogueSnapshot, object> DeltaSet(Type element)
    {
        var method = typeof(KpiQueryAttribute).GetMethod(nameof(DeltaSetOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(element);
        return method.CreateDelegate<Func<object, HttpRequest, CatalogueSnapshot, object>>();
    }

    private static object DeltaSetOf<T>(object rows, HttpRequest request, CatalogueSnapshot catalogue) where T : class =>
        DeltaTracking.DeltaSetOf((List<T>)rows, request, catalogue);

    private static Func<IQueryable, object> Materializer(Type element) =>
        typeof(KpiQueryAttribute).GetMethod(nameof(Materialize), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(element).CreateDelegate<Func<IQueryable, object>>();

    // The rows as a list of their own. A snapshot query hands over what it runs to — the snapshot's list itself, or a
    // LINQ iterator that knows its size — so that ToList copies once at the right size; enumerated through the query,
    // the list grew by doubling, 60 KB of discarded arrays for the CSV of one province's 3,170 targets.
    private static List<T> Materialize<T>(IQueryable queryable) =>
        Enumerable.ToList(queryable is SnapshotQuery<T> query ? query.Results() : (IEnumerable<T>)queryable);

    private static IActionResult Unreadable(Exception e) =>
        ODataErrors.Result(StatusCodes.Status400BadRequest, "InvalidQuery", e switch
        {
            ODataException or QueryBudgetExceededException => ODataErrors.ForPeople(e.Message),
            DivideByZeroException => "The query divides by zero.",
            ArithmeticException => "A number in the query, or computed by it, is too large or too small (an overflow).",
            NotImplementedException or NotSupportedException => "This combination of query options is not supported by the OData library this service runs on (a computed $orderby inside $expand, for one); simplify it.",
            _ => ODataErrors.ForPeople(e.Message),
        });

    // An empty key lookup (SingleResult with no entity) ends as a bodiless 404; it gets the error body too.
    private static IActionResult? WithoutInnerError(IActionResult? result) => result switch
    {
        ObjectResult { StatusCode: >= 400, Value: ODataError or SerializableError or string } failure =>
            ODataErrors.Result(failure.StatusCode.Value, "InvalidQuery", ODataErrors.MessageOf(failure.Value)),
        StatusCodeResult { StatusCode: StatusCodes.Status404NotFound } =>
            ODataErrors.Result(StatusCodes.Status404NotFound, "NotFound", "No entity has this key."),
        _ => result,
    };
}
