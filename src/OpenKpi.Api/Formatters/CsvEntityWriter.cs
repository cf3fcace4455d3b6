using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.OData.Query.Wrapper;
using Microsoft.OData.UriParser;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// Whole entities, or the plain columns a $select names, as CSV written in UTF-8 straight into a byte buffer
/// that goes out every 16 KB. No string is made for a line or a number and no value is boxed: the text
/// writer it replaces allocated 1.7 MB for the CSV of one province at national scale (3,170 rows), and the
/// garbage collections that caused were most of that request's time. It is the only CSV writer: rows are
/// written from the entities themselves (never from the library's projected copies), so a CSV's memory is its
/// list of rows and one buffer, whatever it expands.
/// </summary>
public sealed class CsvEntityWriter
{
    private const int FlushAt = 16 * 1024;
    private static readonly ConcurrentDictionary<Type, CsvColumn[]> Columns = new();
    private static readonly byte[] Preamble = Encoding.UTF8.GetPreamble();

    private readonly IReadOnlyList<object> _rows;
    private readonly CsvColumn[] _columns;

    private CsvEntityWriter(IReadOnlyList<object> rows, CsvColumn[] columns)
    {
        _rows = rows;
        _columns = columns;
    }

    /// <summary>
    /// A writer for whole entities (a <c>List&lt;T&gt;</c>) or one entity, with the columns of <paramref name="selection"/>:
    /// the properties its $select names, in its order (every structural property without one), then the columns of each
    /// expanded single-valued navigation, "Indicator/Name", nested, empty where the navigation is null. The header is the
    /// same whatever the rows hold. Null for anything else (scalars, $apply results).
    /// </summary>
    public static CsvEntityWriter? For(object? value, SelectExpandClause? selection = null)
    {
        var (rows, type) = value switch
        {
            IList page when page.GetType() is { IsGenericType: true } t && t.GetGenericArguments() is [var element] => (page as IReadOnlyList<object>, element),
            not null and not IEnumerable and not ISelectExpandWrapper => (new object[] { value }, value.GetType()),
            _ => ((IReadOnlyList<object>?)null, (Type?)null),
        };
        if (rows is null || type is null || typeof(ISelectExpandWrapper).IsAssignableFrom(type) || CsvTable.IsScalar(type) || type == typeof(string))
            return null;
        return new CsvEntityWriter(rows, [.. CsvColumn.Of(type, selection)]);
    }

    /// <summary>How many columns the CSV of entities of <paramref name="type"/> with <paramref name="selection"/> has.</summary>
    public static int ColumnCount(Type type, SelectExpandClause? selection) => CsvColumn.Of(type, selection).Count();

    /// <summary>Every structural property of <paramref name="rows"/>, entities of <paramref name="type"/> (the whole-dataset download).</summary>
    public static CsvEntityWriter Whole(IReadOnlyList<object> rows, Type type) => new(rows, Columns.GetOrAdd(type, CsvColumn.Structural));

    /// <summary>The column names, in order: the CSV's header, and the XLSX sheet's.</summary>
    public IReadOnlyList<string> Header => [.. _columns.Select(c => c.Name)];

    /// <summary>How many rows the table has, its header left out.</summary>
    public int RowCount => _rows.Count;

    /// <summary>The fields of row <paramref name="row"/> as typed cells, in column order, into <paramref name="cells"/> (the XLSX writer's row).</summary>
    public void Cells(int row, ICellSink cells)
    {
        var entity = _rows[row];
        foreach (var column in _columns) column.Put(entity, cells);
    }

    /// <summary>The table, header first, into <paramref name="stream"/>; with the UTF-8 byte order mark first when <paramref name="preamble"/>.</summary>
    public async Task WriteAsync(Stream stream, bool preamble, CancellationToken cancellationToken)
    {
        var buffer = new CsvBuffer();
        try
        {
            var row = Begin(buffer, preamble);
            while (row < _rows.Count)
            {
                row = Fill(buffer, row);
                await stream.WriteAsync(buffer.Written, cancellationToken);
                buffer.Clear();
            }
            if (buffer.Length > 0) await stream.WriteAsync(buffer.Written, cancellationToken);
        }
        finally
        {
            buffer.Return();
        }
    }

    /// <summary>The same, synchronously (for the whole-dataset downloads, written to a file).</summary>
    public void Write(Stream stream, bool preamble)
    {
        var buffer = new CsvBuffer();
        try
        {
            var row = Begin(buffer, preamble);
            while (row < _rows.Count)
            {
                row = Fill(buffer, row);
                stream.Write(buffer.Written.Span);
                buffer.Clear();
            }
            if (buffer.Length > 0) stream.Write(buffer.Written.Span);
        }
        finally
        {
            buffer.Return();
        }
    }

    private int Begin(CsvBuffer buffer, bool preamble)
    {
        if (preamble) buffer.Append(Preamble);
        for (var i = 0; i < _columns.Length; i++)
        {
            if (i > 0) buffer.Append((byte)',');
            buffer.Text(_columns[i].Name);
        }
        buffer.Append("\r\n"u8);
        return 0;
    }

    // Rows from `row` on until the buffer holds about FlushAt bytes; the index of the next row to write.
    private int Fill(CsvBuffer buffer, int row)
    {
        for (; row < _rows.Count && buffer.Length < FlushAt; row++)
        {
            var entity = _rows[row]!;
            var start = buffer.Length;
            for (var i = 0; i < _columns.Length; i++)
            {
                if (i > 0) buffer.Append((byte)',');
                _columns[i].Write(entity, buffer);
            }
            // A row of one empty field would be a blank line, which readers skip: it is written as "".
            if (buffer.Length == start) buffer.Append("\"\""u8);
            buffer.Append("\r\n"u8);
        }
        return row;
    }

    /// <summary>One column: its name and how a row's value is written.</summary>
    private abstract class CsvColumn(string name)
    {
        public string Name { get; } = name;

        public abstract void Write(object row, CsvBuffer buffer);

        public abstract void Put(object row, ICellSink cells);

        // The columns of a selection over entities of `type`: its $select (or every structural property), then each single-valued expansion's, prefixed.
        public static IEnumerable<CsvColumn> Of(Type type, SelectExpandClause? selection)
        {
            var structural = Columns.GetOrAdd(type, Structural);
            var own = selection is null || selection.AllSelected || selection.SelectedItems.OfType<WildcardSelectItem>().Any() ? structural
                : selection.SelectedItems.OfType<PathSelectItem>().Select(p => p.SelectedPath.LastSegment).OfType<PropertySegment>()
                    .Select(p => p.Property.Name).Distinct().Select(name => structural.FirstOrDefault(c => c.Name == name)).OfType<CsvColumn>();
            foreach (var column in own) yield return column;
            if (selection is null) yield break;
            foreach (var expanded in selection.SelectedItems.OfType<ExpandedNavigationSelectItem>())
            {
                var navigation = ((NavigationPropertySegment)expanded.PathToNavigationProperty.LastSegment).NavigationProperty;
                if (type.GetProperty(navigation.Name) is not { } property) continue;
                var navigate = Navigators.GetOrAdd(property, p => Navigator(type, p));
                foreach (var inner in Of(property.PropertyType, expanded.SelectAndExpand))
                    yield return new NestedColumn(navigation.Name + "/" + inner.Name, navigate, inner);
            }
        }

        // Compiled once per navigation property: a column plan is built for every CSV request (and sized before it runs).
        private static readonly ConcurrentDictionary<PropertyInfo, Func<object, object?>> Navigators = new();

        // (object row) => ((T)row).Navigation
        private static Func<object, object?> Navigator(Type type, PropertyInfo property)
        {
            var row = Expression.Parameter(typeof(object));
            return Expression.Lambda<Func<object, object?>>(Expression.Convert(Expression.Property(Expression.Convert(row, type), property), typeof(object)), row).Compile();
        }

        // The columns CsvTable takes, in its order; an enum's column is the text of its names.
        public static CsvColumn[] Structural(Type type) =>
            [.. CsvTable.ColumnProperties(type)
                .Select(p => (CsvColumn)Activator.CreateInstance(typeof(CsvColumn<>).MakeGenericType(IsEnum(p.PropertyType) ? typeof(string) : p.PropertyType), p.Name, Getter(type, p))!)];

        private static bool IsEnum(Type type) => (Nullable.GetUnderlyingType(type) ?? type).IsEnum;

        // (object row) => ((T)row).Property, typed, so that a number is read without boxing; an enum read as its name
        // (EnumNames: as CsvTable formats it, without a box and a new string a cell).
        private static Delegate Getter(Type type, PropertyInfo property)
        {
            var row = Expression.Parameter(typeof(object));
            Expression value = Expression.Property(Expression.Convert(row, type), property);
            if (IsEnum(property.PropertyType))
            {
                var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null;
                var member = nullable ? Expression.Property(value, "Value") : value;
                var named = Expression.Call(typeof(EnumNames<>).MakeGenericType(member.Type).GetMethod(nameof(EnumNames<DayOfWeek>.Of))!, member);
                value = nullable ? Expression.Condition(Expression.Property(value, "HasValue"), named, Expression.Constant(null, typeof(string))) : named;
            }
            return Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(object), value.Type), value, row).Compile();
        }
    }

    /// <summary>A column of the entity a row's navigation holds; empty where it holds none.</summary>
    private sealed class NestedColumn(string name, Func<object, object?> navigate, CsvColumn inner) : CsvColumn(name)
    {
        public override void Write(object row, CsvBuffer buffer)
        {
            if (navigate(row) is { } target) inner.Write(target, buffer);
        }

        public override void Put(object row, ICellSink cells)
        {
            if (navigate(row) is { } target) inner.Put(target, cells);
            else cells.Empty();
        }
    }

    private sealed class CsvColumn<TValue>(string name, Func<object, TValue> get) : CsvColumn(name)
    {
        // The type tests are constants to the JIT for value types: each column compiles to its own case.
        public override void Write(object row, CsvBuffer buffer)
        {
            var value = get(row);
            if (typeof(TValue) == typeof(int)) buffer.Number(Unsafe.As<TValue, int>(ref value));
            else if (typeof(TValue) == typeof(int?)) { if (Unsafe.As<TValue, int?>(ref value) is { } number) buffer.Number(number); }
            else if (typeof(TValue) == typeof(decimal)) buffer.Decimal(Unsafe.As<TValue, decimal>(ref value));
            else if (typeof(TValue) == typeof(decimal?)) { if (Unsafe.As<TValue, decimal?>(ref value) is { } number) buffer.Decimal(number); }
            else if (typeof(TValue) == typeof(string)) buffer.Text((string?)(object?)value);
            else if (typeof(TValue) == typeof(bool)) buffer.Append(Unsafe.As<TValue, bool>(ref value) ? "true"u8 : "false"u8);
            else if (typeof(TValue) == typeof(bool?)) { if (Unsafe.As<TValue, bool?>(ref value) is { } flag) buffer.Append(flag ? "true"u8 : "false"u8); }
            else if (typeof(TValue) == typeof(DateOnly)) buffer.Date(Unsafe.As<TValue, DateOnly>(ref value));
            else if (typeof(TValue) == typeof(DateOnly?)) { if (Unsafe.As<TValue, DateOnly?>(ref value) is { } date) buffer.Date(date); }
            else buffer.Text(CsvTable.Format(value));   // the rarer types as CsvTable formats them
        }

        // Text stays text (a published "8.700" is not the number 8.7); numbers, booleans and dates keep their type; null is an empty cell.
        public override void Put(object row, ICellSink cells)
        {
            var value = get(row);
            if (typeof(TValue) == typeof(int)) cells.Number(Unsafe.As<TValue, int>(ref value));
            else if (typeof(TValue) == typeof(int?)) { if (Unsafe.As<TValue, int?>(ref value) is { } number) cells.Number(number); else cells.Empty(); }
            else if (typeof(TValue) == typeof(decimal)) cells.Number(Unsafe.As<TValue, decimal>(ref value));
            else if (typeof(TValue) == typeof(decimal?)) { if (Unsafe.As<TValue, decimal?>(ref value) is { } number) cells.Number(number); else cells.Empty(); }
            else if (typeof(TValue) == typeof(bool)) cells.Boolean(Unsafe.As<TValue, bool>(ref value));
            else if (typeof(TValue) == typeof(bool?)) { if (Unsafe.As<TValue, bool?>(ref value) is { } flag) cells.Boolean(flag); else cells.Empty(); }
            else if (typeof(TValue) == typeof(string)) { if ((string?)(object?)value is { Length: > 0 } text) cells.Text(text); else cells.Empty(); }
            else if (typeof(TValue) == typeof(DateOnly)) cells.Date(Unsafe.As<TValue, DateOnly>(ref value));
            else if (typeof(TValue) == typeof(DateOnly?)) { if (Unsafe.As<TValue, DateOnly?>(ref value) is { } date) cells.Date(date); else cells.Empty(); }
            else if (CsvTable.Format(value) is { Length: > 0 } text) cells.Text(text);   // strings, enum names, lists joined by ";", as in the CSV
            else cells.Empty();
        }
    }

    /// <summary>A pooled byte buffer that grows when one row needs more than is left.</summary>
    private sealed class CsvBuffer
    {
        private byte[] _bytes = ArrayPool<byte>.Shared.Rent(FlushAt + 4 * 1024);

        public int Length { get; private set; }
        public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, Length);

        public void Clear() => Length = 0;

        public void Return() => ArrayPool<byte>.Shared.Return(_bytes);

        public void Append(byte value)
        {
            Ensure(1);
            _bytes[Length++] = value;
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            Ensure(bytes.Length);
            bytes.CopyTo(_bytes.AsSpan(Length));
            Length += bytes.Length;
        }

        public void Number<T>(T number) where T : IUtf8SpanFormattable
        {
            // Numbers never need quoting; the invariant culture writes them as CsvTable does.
            int written;
            while (!number.TryFormat(_bytes.AsSpan(Length), out written, default, CultureInfo.InvariantCulture)) Ensure(_bytes.Length - Length + 64);
            Length += written;
        }

        /// <summary>A date as CsvTable writes it, yyyy-MM-dd.</summary>
        public void Date(DateOnly date)
        {
            Ensure(10);
            date.TryFormat(_bytes.AsSpan(Length), out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Length += written;
        }

        /// <summary>
        /// A decimal as the invariant culture writes it (every digit of its scale: 6.50 stays "6.50"), by hand when its
        /// digits fit in 63 bits, as published values do: the library's formatting was 40% of writing a CSV of targets.
        /// </summary>
        public void Decimal(decimal number)
        {
            Span<int> bits = stackalloc int[4];
            System.Decimal.GetBits(number, bits);
            var (low, middle, high, flags) = ((uint)bits[0], (uint)bits[1], bits[2], bits[3]);
            var scale = (flags >> 16) & 0xFF;
            var digits = ((ulong)middle << 32) | low;
            if (high != 0 || digits == 0 || digits > long.MaxValue || scale > 18)
            {
                Number(number);
                return;
            }
            Ensure(64);
            var span = _bytes.AsSpan(Length);
            var at = 0;
            if (flags < 0) span[at++] = (byte)'-';
            var unit = Pow10[scale];
            Utf8Formatter.TryFormat(digits / unit, span[at..], out var written);
            at += written;
            if (scale > 0)
            {
                span[at++] = (byte)'.';
                var fraction = digits % unit;
                for (var i = at + scale - 1; i >= at; i--, fraction /= 10) span[i] = (byte)('0' + (int)(fraction % 10));
                at += scale;
            }
            Length += at;
        }

        private static readonly ulong[] Pow10 = Powers();

        private static ulong[] Powers()
        {
            var powers = new ulong[19];
            powers[0] = 1;
            for (var i = 1; i < powers.Length; i++) powers[i] = powers[i - 1] * 10;
            return powers;
        }

        /// <summary>A field, quoted as RFC 4180 says when it holds a comma, a quote or a line break, or starts or ends with a space.</summary>
        public void Text(string? text)
        {
            if (string.IsNullOrEmpty(text)) return;
            if (!CsvTable.NeedsQuotes(text))
            {
                Encode(text);
                return;
            }
            Append((byte)'"');
            var rest = text.AsSpan();
            for (var quote = rest.IndexOf('"'); quote >= 0; quote = rest.IndexOf('"'))
            {
                Encode(rest[..(quote + 1)]);
                Append((byte)'"');
                rest = rest[(quote + 1)..];
            }
            Encode(rest);
            Append((byte)'"');
        }

        private void Encode(ReadOnlySpan<char> text)
        {
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            Length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(Length));
        }

        private void Ensure(int count)
        {
            if (_bytes.Length - Length >= count) return;
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, Length + count));
            _bytes.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }
    }
}
