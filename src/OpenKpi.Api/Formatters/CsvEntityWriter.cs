using System.Buffers;
using System.Text.Unicode;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
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

    /// <summary>
    /// One column: its name, and how a row's value is written as a CSV field or put as a typed cell, each compiled once per
    /// property into one delegate that reads the value and calls the buffer's or the sink's method for its type (no boxing,
    /// no type tests per cell).
    /// </summary>
    private sealed class CsvColumn(string name, Action<object, CsvBuffer> write, Action<object, ICellSink> put)
    {
        public string Name { get; } = name;

        public Action<object, CsvBuffer> Write { get; } = write;

        public Action<object, ICellSink> Put { get; } = put;

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
                    yield return inner.Under(navigation.Name, navigate);
            }
        }

        // This column of the entity a row's navigation holds; empty where it holds none.
        private CsvColumn Under(string navigation, Func<object, object?> navigate)
        {
            var (write, put) = (Write, Put);
            return new CsvColumn(navigation + "/" + Name,
                (row, buffer) => { if (navigate(row) is { } target) write(target, buffer); },
                (row, cells) => { if (navigate(row) is { } target) put(target, cells); else cells.Empty(); });
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
            [.. CsvTable.ColumnProperties(type).Select(p => new CsvColumn(p.Name, Compile<CsvBuffer>(type, p, Field), Compile<ICellSink>(type, p, Cell)))];

        // (object row, TSink sink) => <what `call` makes of sink and ((T)row).Property>; a null of a nullable value type is
        // nothing in a CSV field and an empty cell.
        private static Action<object, TSink> Compile<TSink>(Type type, PropertyInfo property, Func<Expression, Expression, Expression> call)
        {
            var row = Expression.Parameter(typeof(object), "row");
            var sink = Expression.Parameter(typeof(TSink), "sink");
            Expression value = Expression.Property(Expression.Convert(row, type), property);
            var body = Nullable.GetUnderlyingType(value.Type) is null ? call(sink, value)
                : Expression.Condition(Expression.Property(value, "HasValue"), call(sink, Expression.Property(value, "Value")),
                    typeof(TSink) == typeof(ICellSink) ? Expression.Call(sink, nameof(ICellSink.Empty), null) : Expression.Empty(), typeof(void));
            return Expression.Lambda<Action<object, TSink>>(body, row, sink).Compile();
        }

        // A value (never a nullable value type) as its CSV field: numbers, booleans and dates by hand, an enum as its name,
        // the rarer types as CsvTable formats them.
        private static Expression Field(Expression buffer, Expression value) => value.Type switch
        {
            var t when t == typeof(int) => Expression.Call(buffer, nameof(CsvBuffer.Number), [t], value),
            var t when t == typeof(decimal) => Expression.Call(buffer, nameof(CsvBuffer.Decimal), null, value),
            var t when t == typeof(bool) => Expression.Call(buffer, nameof(CsvBuffer.Boolean), null, value),
            var t when t == typeof(DateOnly) => Expression.Call(buffer, nameof(CsvBuffer.Date), null, value),
            _ => Expression.Call(buffer, nameof(CsvBuffer.Text), null, Text(value)),
        };

        // Text stays text (a published "8.700" is not the number 8.7); numbers, booleans and dates keep their type.
        private static Expression Cell(Expression cells, Expression value) => value.Type switch
        {
            var t when t == typeof(int) || t == typeof(decimal) => Expression.Call(cells, nameof(ICellSink.Number), null, value),
            var t when t == typeof(bool) => Expression.Call(cells, nameof(ICellSink.Boolean), null, value),
            var t when t == typeof(DateOnly) => Expression.Call(cells, nameof(ICellSink.Date), null, value),
            _ => Expression.Call(typeof(CsvColumn), nameof(PutText), null, cells, Text(value)),
        };

        // A value as text: a string as it is, an enum's name (EnumNames: without a box and a new string a cell), anything else as CsvTable formats it.
        private static Expression Text(Expression value) =>
            value.Type == typeof(string) ? value
            : value.Type.IsEnum ? Expression.Call(typeof(EnumNames<>).MakeGenericType(value.Type).GetMethod(nameof(EnumNames<DayOfWeek>.Of))!, value)
            : Expression.Call(typeof(CsvTable), nameof(CsvTable.Format), null, Expression.Convert(value, typeof(object)));

        // Strings, enum names and lists joined by ";", as in the CSV; an empty one is an empty cell.
        private static void PutText(ICellSink cells, string? text)
        {
            if (string.IsNullOrEmpty(text)) cells.Empty();
            else cells.Text(text);
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

        public void Boolean(bool value) => Append(value ? "true"u8 : "false"u8);

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
        /// digits fit in 64 bits, as published values do: its digits from the last, the point after the scale's.
        /// </summary>
        public void Decimal(decimal number)
        {
            Span<int> bits = stackalloc int[4];
            System.Decimal.GetBits(number, bits);
            var digits = ((ulong)(uint)bits[1] << 32) | (uint)bits[0];
            var scale = (bits[3] >> 16) & 0xFF;
            if (bits[2] != 0 || digits == 0 || scale > 19)
            {
                Number(number);
                return;
            }
            Span<byte> text = stackalloc byte[24];   // 20 digits, a leading zero, the point and the sign
            var at = text.Length;
            for (var i = 0; i < scale; i++, digits /= 10) text[--at] = (byte)('0' + (int)(digits % 10));
            if (scale > 0) text[--at] = (byte)'.';
            do text[--at] = (byte)('0' + (int)(digits % 10));
            while ((digits /= 10) != 0);
            if (bits[3] < 0) text[--at] = (byte)'-';
            Append(text[at..]);
        }

        /// <summary>A field, quoted as RFC 4180 says when it holds a comma, a quote or a line break, or starts or ends with a space.</summary>
        public void Text(string? text)
        {
            if (string.IsNullOrEmpty(text)) return;
            // Encoded first, then its bytes looked at once for what needs quotes.
            Ensure(Encoding.UTF8.GetMaxByteCount(text.Length));
            Utf8.FromUtf16(text, _bytes.AsSpan(Length), out _, out var written);
            if (!CsvTable.NeedsQuotes(_bytes.AsSpan(Length, written)))
            {
                Length += written;
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
