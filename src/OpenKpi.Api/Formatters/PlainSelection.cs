using Microsoft.OData.UriParser;

namespace OpenKpi.Api.Formatters;

/// <summary>A $select that names only plain properties of the entity: the shape the fast writers take.</summary>
public static class PlainSelection
{
    /// <summary>
    /// The names a $select lists, in its order, when it lists only structural properties, once each, without
    /// options or $expand; null for anything else (no $select, "*", nested paths, expansions).
    /// </summary>
    public static IReadOnlyList<string>? Of(SelectExpandClause? clause)
    {
        if (clause is null || clause.AllSelected) return null;
        var names = new List<string>();
        foreach (var item in clause.SelectedItems)
        {
            if (item is not PathSelectItem { SelectedPath: { Count: 1 } selectedPath } path
                || path.SelectAndExpand is { AllSelected: false } || path.SelectAndExpand?.SelectedItems.Any() == true
                || path.FilterOption is not null || path.OrderByOption is not null || path.TopOption is not null || path.SkipOption is not null
                || path.CountOption is not null || path.SearchOption is not null || path.ComputeOption is not null
                || selectedPath.FirstSegment is not PropertySegment segment
                || names.Contains(segment.Property.Name))
                return null;
            names.Add(segment.Property.Name);
        }
        return names;
    }
}
