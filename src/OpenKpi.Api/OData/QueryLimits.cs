namespace OpenKpi.Api.OData;

/// <summary>The limits that protect the service, declared once: the query attribute and the OpenAPI document both read them.</summary>
public static class QueryLimits
{
    /// <summary>Rows per page; a longer result carries @odata.nextLink.</summary>
    public const int PageSize = 100;

    /// <summary>
    /// The largest $top accepted: any the grammar's Int32 takes. Answers are server-driven pages of <see cref="PageSize"/> rows, each
    /// nextLink carrying the $top that remains, so a large $top costs no more per answer than a small one (Power Query's
    /// "Keep top rows" folds to $top=5000); <see cref="MaxEntitiesPerAnswer"/> bounds each page, <see cref="MaxCsvRows"/> a CSV.
    /// </summary>
    public const int MaxTop = int.MaxValue;

    /// <summary>How deep $expand may nest.</summary>
    public const int MaxExpansionDepth = 3;

    /// <summary>The most nodes a $filter may have.</summary>
    public const int MaxNodeCount = 100;

    /// <summary>The most $orderby clauses.</summary>
    public const int MaxOrderByNodeCount = 5;

    /// <summary>The deepest nesting of any/all.</summary>
    public const int MaxAnyAllExpressionDepth = 2;

    /// <summary>The most terms (words or phrases) in a $search.</summary>
    public const int MaxSearchTerms = 10;

    /// <summary>The longest URL (path and query) accepted; a longer one answers 414.</summary>
    public const int MaxUrlLength = 4096;

    /// <summary>The most bytes of request headers accepted; more answers 431.</summary>
    public const int MaxRequestHeadersBytes = 16 * 1024;

    /// <summary>How deep function calls may nest in one expression: contains(tolower(trim(Name)),'x') is 3.</summary>
    public const int MaxFunctionNesting = 3;

    /// <summary>The most string-function calls (contains, concat, substring, tolower, …) in all of a query's expressions.</summary>
    public const int MaxStringFunctionCalls = 8;

    /// <summary>
    /// The most items any/all and $count over collections may visit in one query, counted before it runs as the rows
    /// it can read times the largest collection each lambda crosses (Indicator/Targets/any(…) on Targets: every
    /// target times the most targets an indicator has).
    /// </summary>
    public const long MaxLambdaItems = 5_000_000;

    /// <summary>The most entities one JSON answer may hold: its rows (a page at most) and every entity expanded into them, nested.</summary>
    public const int MaxEntitiesPerAnswer = 12_000;

    /// <summary>The most rows one CSV answer may hold (CSV is never paged); the whole dataset is a download.</summary>
    public const int MaxCsvRows = 250_000;

    /// <summary>The most fields (rows × columns) one CSV answer may hold: the whole of Targets with its five single-valued navigations expanded fits.</summary>
    public const int MaxCsvFields = 8_000_000;

    /// <summary>
    /// The deepest page ($skip plus the page) of an answer ordered by a computed $orderby (a function call or arithmetic, whose
    /// key is made for every row): such pages are chosen as the rows are read, keeping only this many keys alive; deeper,
    /// every row's key would live through a sort of the whole set, which pauses every other request for garbage collection.
    /// The window's keys outlive collections too, the more so the deeper it is (README, limits).
    /// </summary>
    public const int MaxComputedOrderWindow = 5_000;

    /// <summary>How long a query may take to evaluate, in milliseconds; a request over it answers 400 and stops.</summary>
    public const int MaxEvaluationMilliseconds = 2_000;
}
