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
    private static readonly Func<ISelectExpandWrapper, IPropertyMapper, IDictionary<string, object>?> FromContainer = Compile();

    public static IDictionary<string, object> Of(ISelectExpandWrapper row) => FromContainer(row, SameNames.Instance) ?? row.ToDictionary();

    private static Func<ISelectExpandWrapper, IPropertyMapper, IDictionary<string, object>?> Compile()
    {
        var library = typeof(ISelectExpandWrapper).Assembly;
        var wrapperType = library.GetType("Microsoft.AspNetCore.OData.Query.Wrapper.SelectExpandWrapper", throwOnError: true)!;
        var containerType = library.GetType("Microsoft.AspNetCore.OData.Query.Container.PropertyContainer", throwOnError: true)!;
        var toDictionary = containerType.GetMethod("ToDictionary", BindingFlags.Instance | BindingFlags.Public, [typeof(IPropertyMapper), typeof(bool)])
            ?? throw new InvalidOperationException("PropertyContainer.ToDictionary is gone: check SelectedValues against this version of the OData library.");

        var row = Expression.Parameter(typeof(ISelectExpandWrapper), "row");
        var mapper = Expression.Parameter(typeof(IPropertyMapper), "mapper");
        var wrapper = Expression.Variable(wrapperType, "wrapper");
        var container = Expression.Property(wrapper, "Container");
        var readable = Expression.AndAlso(
            Expression.Not(Expression.Property(wrapper, "UseInstanceForProperties")),
            Expression.NotEqual(container, Expression.Constant(null, containerType)));
        var body = Expression.Block([wrapper],
            Expression.Assign(wrapper, Expression.TypeAs(row, wrapperType)),
            Expression.Condition(
                Expression.AndAlso(Expression.NotEqual(wrapper, Expression.Constant(null, wrapperType)), readable),
                Expression.Convert(Expression.Call(container, toDictionary, mapper, Expression.Constant(false)), typeof(IDictionary<string, object>)),
                Expression.Constant(null, typeof(IDictionary<string, object>))));
        return Expression.Lambda<Func<ISelectExpandWrapper, IPropertyMapper, IDictionary<string, object>?>>(body, row, mapper).Compile();
    }

    // The model's property names are the CLR names: no mapping to do.
    private sealed class SameNames : IPropertyMapper
    {
        public static readonly SameNames Instance = new();
        public string MapProperty(string propertyName) => propertyName;
    }
}
