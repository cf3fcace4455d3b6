namespace OpenKpi.Api.OData;

/// <summary>The limits that protect the service, declared once: the query attribute and the OpenAPI document both read them.</summary>
public static class QueryLimits
{
    /// <summary>Rows per page; a longer result carries @odata.nextLink.</summary>
    public const int PageSize = 100;

    /// <summary>The largest $top accepted.</summary>
    public const int MaxTop = 1000;

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
}
