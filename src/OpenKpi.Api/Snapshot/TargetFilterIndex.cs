using System.Runtime.CompilerServices;
using Microsoft.OData.UriParser;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Snapshot;

/// <summary>
/// The filters clients send most — a province, a year, an indicator, a document, a province and a year — read
/// from lists the snapshot already keeps, instead of every target. The smallest list that holds every match
/// (same order as the entity set) is handed on. When the filter asks for nothing but what that list is (one
/// of those equalities, or a province and a year), the list is the answer and the filter need not run at all.
/// </summary>
public static class TargetFilterIndex
{
    /// <summary>The list to filter instead of all targets, and whether it is exactly the filter's answer; null when $filter has no equality on an indexed property at its top level.</summary>
    public static (IReadOnlyList<Target> Targets, bool Exact)? Narrow(FilterClause? filter, CatalogueSnapshot catalogue)
    {
        var terms = new List<(string Property, object? Value)>();
        var plain = Conjuncts(filter?.Expression, terms);
        IReadOnlyList<Target>? smallest = null;
        foreach (var (property, value) in terms)
        {
            IReadOnlyList<Target>? list = (property, value) switch
            {
                (nameof(Target.ProvinceId), string id) => catalogue.ProvincesById.TryGetValue(id, out var p) ? p.Targets : [],
                (nameof(Target.IndicatorId), string id) => catalogue.IndicatorsById.TryGetValue(id, out var i) ? i.Targets : [],
                (nameof(Target.DocumentId), string id) => catalogue.DocumentsById.TryGetValue(id, out var d) ? d.Targets : [],
                (nameof(Target.Year), int y) => catalogue.TargetsByYear.TryGetValue(y, out var inYear) ? inYear : [],
                _ => null,
            };
            if (list is null) continue;
            if (smallest is null || list.Count < smallest.Count) smallest = list;
        }
        if (smallest is null) return null;
        if (!plain) return (smallest, false);
        if (terms.Count == 1) return (smallest, true);
        if (terms.Count == 2 && terms.Find(t => t.Property == nameof(Target.ProvinceId)).Value is string province
            && terms.Find(t => t.Property == nameof(Target.Year)).Value is int year)
            return (ProvinceYears.GetValue(catalogue, Group).TryGetValue((province, year), out var both) ? both : [], true);
        return (smallest, false);
    }

    // Each province's targets of each year (about a megabyte at 100,000 targets), built on first use.
    private static readonly ConditionalWeakTable<CatalogueSnapshot, Dictionary<(string, int), IReadOnlyList<Target>>> ProvinceYears = new();

    private static Dictionary<(string, int), IReadOnlyList<Target>> Group(CatalogueSnapshot catalogue) =>
        catalogue.Provinces.SelectMany(p => p.Targets.GroupBy(t => t.Year).Select(g => (Key: (p.Id, g.Key), List: (IReadOnlyList<Target>)g.ToList())))
            .ToDictionary(g => g.Key, g => g.List);

    // Adds the "Property eq constant" terms every match must satisfy (the filter itself, or the operands of its
    // top-level ands) to `terms`; true when the filter is made of nothing else.
    private static bool Conjuncts(SingleValueNode? node, List<(string Property, object? Value)> terms)
    {
        // The parser converts one side of an "and" to the other's nullability: "… and Year eq 2020" arrives as Convert(Year eq 2020).
        switch (node is null ? null : Unconvert(node))
        {
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and:
                return Conjuncts(and.Left, terms) & Conjuncts(and.Right, terms);
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } equal
                when Property(equal.Left) is { } property && Constant(equal.Right) is { } value:
                terms.Add((property, value));
                return true;
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } equal
                when Property(equal.Right) is { } property && Constant(equal.Left) is { } value:
                terms.Add((property, value));
                return true;
            default:
                return false;
        }
    }

    private static string? Property(SingleValueNode node) =>
        Unconvert(node) is SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode } access ? access.Property.Name : null;

    private static object? Constant(SingleValueNode node) => Unconvert(node) is ConstantNode constant ? constant.Value : null;

    private static SingleValueNode Unconvert(SingleValueNode node) => node is ConvertNode convert ? Unconvert(convert.Source) : node;
}
