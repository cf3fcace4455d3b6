using System.Linq.Expressions;
using System.Reflection;
using Microsoft.AspNetCore.OData.Query.Container;
using Microsoft.AspNetCore.OData.Query.Wrapper;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// The values a $select/$expand row holds, by property name. The library's ToDictionary() resolves the row's
/// EDM type again for every row; the values are in the row's property container, read here directly
/// (internal types of the pinned library, reached once through compiled accessors). A row that keeps its
/// whole instance ($select=* style) still goes through ToDictionary().
/// </summary>
public static class SelectedValues
{
    // Fills the dictionary from the row's container and answers true; false when the row has no container to read.
    private static readonly Func<ISelectExpandWrapper, IPropertyMapper, Dictionary<string, object>, bool> FromContainer = Compile();

    /// <summary>The row's values in a dictionary of their own.</summary>
    public static IDictionary<string, object> Of(ISelectExpandWrapper row)
    {
        var values = new Dictionary<string, object>();
        return FromContainer(row, SameNames.Instance, values) ? values : row.ToDictionary();
    }

    /// <summary>
    /// The row's values in <paramref name="reused"/>, cleared first: a writer reads one row at a time, and a new
    /// dictionary per row (grown from empty) was most of what writing a page of a $select cost.
    /// </summary>
    public static IDictionary<string, object> Of(ISelectExpandWrapper row, Dictionary<string, object> reused)
    {
        reused.Clear();
        return FromContainer(row, SameNames.Instance, reused) ? reused : row.ToDictionary();
    }

    private static Func<ISelectExpandWrapper, IPropertyMapper, Dictionary<string, object>, bool> Compile()
    {
        var library = typeof(ISelectExpandWrapper).Assembly;
        var wrapperType = library.GetType("Microsoft.AspNetCore.OData.Query.Wrapper.SelectExpandWrapper", throwOnError: true)!;
        var containerType = library.GetType("Microsoft.AspNetCore.OData.Query.Container.PropertyContainer", throwOnError: true)!;
        var fill = containerType.GetMethod("ToDictionaryCore", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic,
                [typeof(Dictionary<string, object>), typeof(IPropertyMapper), typeof(bool)])
            ?? throw new InvalidOperationException("PropertyContainer.ToDictionaryCore is gone: check SelectedValues against this version of the OData library.");

        var row = Expression.Parameter(typeof(ISelectExpandWrapper), "row");
        var mapper = Expression.Parameter(typeof(IPropertyMapper), "mapper");
        var values = Expression.Parameter(typeof(Dictionary<string, object>), "values");
        var wrapper = Expression.Variable(wrapperType, "wrapper");
        var container = Expression.Property(wrapper, "Container");
        var readable = Expression.AndAlso(
            Expression.Not(Expression.Property(wrapper, "UseInstanceForProperties")),
            Expression.NotEqual(container, Expression.Constant(null, containerType)));
        var body = Expression.Block([wrapper],
            Expression.Assign(wrapper, Expression.TypeAs(row, wrapperType)),
            Expression.Condition(
                Expression.AndAlso(Expression.NotEqual(wrapper, Expression.Constant(null, wrapperType)), readable),
                Expression.Block(Expression.Call(container, fill, values, mapper, Expression.Constant(false)), Expression.Constant(true)),
                Expression.Constant(false)));
        return Expression.Lambda<Func<ISelectExpandWrapper, IPropertyMapper, Dictionary<string, object>, bool>>(body, row, mapper, values).Compile();
    }

    // The model's property names are the CLR names: no mapping to do.
    private sealed class SameNames : IPropertyMapper
    {
        public static readonly SameNames Instance = new();
        public string MapProperty(string propertyName) => propertyName;
    }
}
