using Microsoft.OData.UriParser;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// What a query plan hands the CSV and XLSX writers: the whole entities it selected (a list, or one entity) and the $select/$expand
/// that names their columns, which the library did not apply (a table is written from the entities themselves).
/// </summary>
public sealed record TableRows(object Rows, SelectExpandClause? Selection);
