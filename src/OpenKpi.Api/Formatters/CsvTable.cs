using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.OData.Query.Wrapper;

namespace OpenKpi.Api.Formatters;

/// <summary>Rows of entities (or of $select/$expand wrappers) as an RFC 4180 table: header line, CRLF, quoted fields.</summary>
public static class CsvTable
{
    public static string Write(IReadOnlyList<OrderedDictionary<string, object?>> rows) => string.Concat(Lines(rows));

    /// <summary>The table a line at a time (header first, each with its CRLF), so a large download is never one string in memory.</summary>
    public static IEnumerable<string> Lines(IReadOnlyList<OrderedDictionary<string, object?>> rows)
    {
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
            foreach (var key in row.Keys)
                if (seen.Add(key)) columns.Add(key);
        yield return string.Join(',', columns.Select(Quote)) + "\r\n";
        var line = new StringBuilder();
        foreach (var row in rows)
        {
            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0) line.Append(',');
                line.Append(Quote(Format(row.GetValueOrDefault(columns[i]))));
            }
            yield return line.Append("\r\n").ToString();
        }
    }

    /// <summary>Lines joined into pieces of about <paramref name="size"/> characters: one write each, none on the large-object heap.</summary>
    public static IEnumerable<string> Chunks(IEnumerable<string> lines, int size = 16 * 1024)
    {
        var chunk = new StringBuilder(size + 1024);
        foreach (var line in lines)
        {
            chunk.Append(line);
            if (chunk.Length < size) continue;
            yield return chunk.ToString();
            chunk.Clear();
        }
        if (chunk.Length > 0) yield return chunk.ToString();
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
        foreach (var (name, value) in SelectedValues.Of(wrapper))
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

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Type?> EntityTypes = new();

    private static Type? EntityTypeOf(ISelectExpandWrapper wrapper) => EntityTypes.GetOrAdd(wrapper.GetType(), wrapperType =>
    {
        for (var type = wrapperType; type is not null; type = type.BaseType)
            if (type.IsGenericType && type.GetGenericArguments() is [var entity]) return entity;
        return null;
    });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Type?, string), bool> Navigations = new();

    private static bool IsNavigation(Type? entityType, string name) => Navigations.GetOrAdd((entityType, name), key =>
        key.Item1?.GetProperty(key.Item2) is { } property && !IsScalar(property.PropertyType) && property.PropertyType != typeof(string[]));

    private static OrderedDictionary<string, object?> Columns(object? entity, string prefix)
    {
        var row = new OrderedDictionary<string, object?>();
        if (entity is null) return row;
        foreach (var (name, get) in Structural(entity.GetType())) row[prefix + name] = get(entity);
        return row;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> StructuralCache = new();

    // Structural properties (scalars and collections of scalars; navigation properties are left out), each with a compiled getter.
    private static (string Name, Func<object, object?> Get)[] Structural(Type type) => StructuralCache.GetOrAdd(type, t =>
        [.. ColumnProperties(t)
            .Select(p =>
            {
                var entity = System.Linq.Expressions.Expression.Parameter(typeof(object));
                var value = System.Linq.Expressions.Expression.Convert(
                    System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(entity, t), p), typeof(object));
                return (p.Name, System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(value, entity).Compile());
            })]);

    /// <summary>The properties that are a type's CSV columns, in order: scalars and collections of scalars (navigation properties are left out).</summary>
    internal static IEnumerable<PropertyInfo> ColumnProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (IsScalar(p.PropertyType) || p.PropertyType == typeof(string[])));

    internal static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset);
    }

    private static bool IsScalarCollection(object value) => value is string[] or IEnumerable<string>;

    internal static string Format(object? value) => value switch
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
        NeedsQuotes(field) ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    /// <summary>RFC 4180: a field with a comma, a quote or a line break is quoted; so is one that starts or ends with a space, which spreadsheets trim.</summary>
    internal static bool NeedsQuotes(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field.StartsWith(' ') || field.EndsWith(' ');

}
