using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.OData.Query.Wrapper;

namespace OpenKpi.Api.Formatters;

/// <summary>Rows of entities (or of $select/$expand wrappers) as an RFC 4180 table: header line, CRLF, quoted fields.</summary>
public static class CsvTable
{
    public static string Write(IReadOnlyList<OrderedDictionary<string, object?>> rows)
    {
        var builder = new StringBuilder();
        var columns = rows.SelectMany(r => r.Keys).Distinct().ToList();
        builder.AppendJoin(',', columns.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
            builder.AppendJoin(',', columns.Select(c => Quote(Format(row.GetValueOrDefault(c))))).Append("\r\n");
        return builder.ToString();
    }

    // The rows of a collection, or the one row of a single entity, as ordered column → value maps.
    public static IEnumerable<OrderedDictionary<string, object?>> Rows(object? value) => value switch
    {
        null => [],
        ISelectExpandWrapper wrapper => [Flatten(wrapper, "")],
        IEnumerable items and not string => items.Cast<object?>().Select(item => item is ISelectExpandWrapper w ? Flatten(w, "") : Columns(item, "")),
        _ => [Columns(value, "")],
    };

    // Scalars first, in the order of $select; then each expanded single-valued navigation's columns.
    // A navigation that is null for this row (a document without a province) gives no column of its own.
    private static OrderedDictionary<string, object?> Flatten(ISelectExpandWrapper wrapper, string prefix)
    {
        var row = new OrderedDictionary<string, object?>();
        var entityType = EntityTypeOf(wrapper);
        var expanded = new List<(string Name, ISelectExpandWrapper Wrapper)>();
        foreach (var (name, value) in wrapper.ToDictionary())
        {
            if (value is ISelectExpandWrapper nested) expanded.Add((name, nested));
            else if (value is IEnumerable and not string && !IsScalarCollection(value)) continue; // an expanded collection has no column shape: use the navigation's own CSV
            else if (value is null && IsNavigation(entityType, name)) continue;
            else row[prefix + name] = value;
        }
        foreach (var (name, nested) in expanded)
            foreach (var (key, inner) in Flatten(nested, $"{prefix}{name}/")) row[key] = inner;
        return row;
    }

    private static Type? EntityTypeOf(ISelectExpandWrapper wrapper)
    {
        for (var type = wrapper.GetType(); type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericArguments() is [var entity]) return entity;
        return null;
    }

    private static bool IsNavigation(Type? entityType, string name) =>
        entityType?.GetProperty(name) is { } property && !IsScalar(property.PropertyType) && property.PropertyType != typeof(string[]);

    private static OrderedDictionary<string, object?> Columns(object? entity, string prefix)
    {
        var row = new OrderedDictionary<string, object?>();
        if (entity is null) return row;
        foreach (var property in Structural(entity.GetType())) row[prefix + property.Name] = property.GetValue(entity);
        return row;
    }

    private static readonly Dictionary<Type, PropertyInfo[]> StructuralCache = [];

    // Structural properties: scalars and collections of scalars; navigation properties are left out.
    private static PropertyInfo[] Structural(Type type)
    {
        lock (StructuralCache)
        {
            if (StructuralCache.TryGetValue(type, out var cached)) return cached;
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0 && (IsScalar(p.PropertyType) || p.PropertyType == typeof(string[])))
                .ToArray();
            return StructuralCache[type] = properties;
        }
    }

    private static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset);
    }

    private static bool IsScalarCollection(object value) => value is string[] or IEnumerable<string>;

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString("O", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<string> items => string.Join(";", items),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 || field.StartsWith(' ') || field.EndsWith(' ')
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;

}
