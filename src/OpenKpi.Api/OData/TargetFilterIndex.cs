using Microsoft.OData.UriParser;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.OData;

/// <summary>
/// The filters clients send most — a province, a year, an indicator, a document — read from lists the
/// snapshot already keeps, instead of every target. Only the start of the work changes: the smallest list
/// that holds every match (same order as the entity set) is handed on, and the whole $filter still runs on it.
/// </summary>
public static class TargetFilterIndex
{
    /// <summary>The list to filter instead of all targets, or null when $filter has no equality on an indexed property at its top level.</summary>
    public static IReadOnlyList<Target>? Narrow(FilterClause? filter, CatalogueSnapshot catalogue)
    {
        IReadOnlyList<Target>? smallest = null;
        foreach (var (property, value) in Equalities(filter?.Expression))
        {
            IReadOnlyList<Target>? list = (property, value) switch
            {
                (nameof(Target.ProvinceId), string id) => catalogue.ProvincesById.TryGetValue(id, out var p) ? p.Targets : [],
                (nameof(Target.IndicatorId), string id) => catalogue.IndicatorsById.TryGetValue(id, out var i) ? i.Targets : [],
                (nameof(Target.DocumentId), string id) => catalogue.DocumentsById.TryGetValue(id, out var d) ? d.Targets : [],
                (nameof(Target.Year), int year) => catalogue.TargetsByYear.TryGetValue(year, out var y) ? y : [],
                _ => null,
            };
            if (list is not null && (smallest is null || list.Count < smallest.Count)) smallest = list;
        }
        return smallest;
    }

    // The "Property eq constant" terms that every match must satisfy: the filter itself, or the operands of its top-level ands.
    private static IEnumerable<(string Property, object? Value)> Equalities(SingleValueNode? node)
    {
        switch (node)
        {
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and:
                return Equalities(and.Left).Concat(Equalities(and.Right));
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } equal
                when Property(equal.Left) is { } property && Constant(equal.Right) is { } value:
                return [(property, value)];
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } equal
                when Property(equal.Right) is { } property && Constant(equal.Left) is { } value:
                return [(property, value)];
            default:
                return [];
        }
    }

    private static string? Property(SingleValueNode node) =>
        Unconvert(node) is SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode } access ? access.Property.Name : null;

    private static object? Constant(SingleValueNode node) => Unconvert(node) is ConstantNode constant ? constant.Value : null;

    private static SingleValueNode Unconvert(SingleValueNode node) => node is ConvertNode convert ? Unconvert(convert.Source) : node;
}
