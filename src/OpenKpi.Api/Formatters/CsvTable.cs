using System.Buffers;
using System.Globalization;
using System.Reflection;

namespace OpenKpi.Api.Formatters;

/// <summary>What a CSV column is and how a field is written: the rules <see cref="CsvEntityWriter"/> follows.</summary>
public static class CsvTable
{
    /// <summary>The properties that are a type's CSV columns, in order: scalars and collections of scalars (navigation properties are left out).</summary>
    internal static IEnumerable<PropertyInfo> ColumnProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (IsScalar(p.PropertyType) || p.PropertyType == typeof(string[])));

    internal static bool IsScalar(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(DateTimeOffset);
    }

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

    /// <summary>
    /// RFC 4180: a field with a comma, a quote or a line break is quoted; so is one that starts or ends with a space, which
    /// spreadsheets trim. Read from the field's UTF-8 bytes: each of these characters is one byte there and never part of
    /// another character's.
    /// </summary>
    internal static bool NeedsQuotes(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOfAny(Special) >= 0 || utf8.StartsWith((byte)' ') || utf8.EndsWith((byte)' ');

    private static readonly SearchValues<byte> Special = SearchValues.Create(",\"\r\n"u8);

}
