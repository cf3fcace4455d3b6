using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace OpenKpi.Api.Formatters;

/// <summary>
/// Tables of <see cref="CsvEntityWriter"/> (the CSV's columns, the same plan) as the sheets of one XLSX workbook, written by
/// SpreadCheetah straight into a stream, row after row: published text is a text cell ("8.700" stays "8.700"), numbers
/// are numbers, booleans booleans, dates dates, null an empty cell; the header row bold and frozen, with a filter, and
/// each column as wide as its header and its first rows need. Memory is one row of cells and the library's buffer.
/// </summary>
public static class XlsxEntityWriter
{
    public const string MediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Widths are measured on the first rows: SpreadCheetah writes them before any row, and a sheet is never held whole.
    private const int MeasuredRows = 200;
    private const double MinWidth = 6, MaxWidth = 60;

    /// <summary>
    /// The workbook of <paramref name="sheets"/>, one sheet each, in their order, into <paramref name="stream"/>, its zip
    /// entries dated <paramref name="stamp"/> (the dataset's import time: the same table is the same bytes).
    /// </summary>
    public static async Task WriteAsync(Stream stream, IEnumerable<(string Name, CsvEntityWriter Table)> sheets, DateTime stamp, CancellationToken cancellationToken)
    {
        var body = new AsyncWritesStream(stream);
        await WriteWorkbookAsync(new ZipTimestamps(body, stamp), sheets, cancellationToken);
        await body.FlushAsync(cancellationToken);
    }

    private static async Task WriteWorkbookAsync(Stream stream, IEnumerable<(string Name, CsvEntityWriter Table)> sheets, CancellationToken cancellationToken)
    {
        // No document properties: their creation time would make the same table different bytes at every request.
        var options = new SpreadCheetahOptions
        {
            DefaultDateTimeFormat = NumberFormat.Custom("yyyy-mm-dd"),
            CompressionLevel = SpreadCheetahCompressionLevel.Optimal,
            DocumentProperties = null,
        };
        await using var spreadsheet = await Spreadsheet.CreateNewAsync(stream, options, cancellationToken);
        var bold = spreadsheet.AddStyle(new Style { Font = { Bold = true } });
        foreach (var (name, table) in sheets)
        {
            var header = table.Header;
            var sheet = new WorksheetOptions { FrozenRows = 1 };
            if (header.Count > 0) sheet.AutoFilter = new AutoFilterOptions($"A1:{ColumnLetters(header.Count)}{table.RowCount + 1}");
            var widths = Widths(table);
            for (var i = 0; i < widths.Length; i++) sheet.Column(i + 1).Width = widths[i];
            await spreadsheet.StartWorksheetAsync(name, sheet, cancellationToken);
            await spreadsheet.AddRowAsync(header.Select(h => new Cell(h, bold)).ToArray(), cancellationToken);
            var row = new Row(header.Count);
            for (var r = 0; r < table.RowCount; r++)
            {
                row.Clear();
                table.Cells(r, row);
                await spreadsheet.AddRowAsync(row.Cells, cancellationToken);
            }
        }
        await spreadsheet.FinishAsync(cancellationToken);
    }

    /// <summary>A sheet name Excel takes: at most 31 characters, none of []:*?/\.</summary>
    public static string SheetName(string name)
    {
        var clean = new string(name.Where(c => c is not ('[' or ']' or ':' or '*' or '?' or '/' or '\\')).ToArray());
        return clean.Length == 0 ? "Sheet1" : clean[..Math.Min(clean.Length, 31)];
    }

    private static double[] Widths(CsvEntityWriter table)
    {
        var measure = new Measure(table.Header);
        for (var r = 0; r < Math.Min(table.RowCount, MeasuredRows); r++)
        {
            measure.Column = 0;
            table.Cells(r, measure);
        }
        return [.. measure.Widths.Select(w => Math.Clamp(w + 2, MinWidth, MaxWidth))];
    }

    // 1 → A, 27 → AA.
    private static string ColumnLetters(int column)
    {
        var letters = "";
        for (; column > 0; column = (column - 1) / 26) letters = (char)('A' + (column - 1) % 26) + letters;
        return letters;
    }

    /// <summary>One row's cells, refilled for every row.</summary>
    private sealed class Row(int columns) : ICellSink
    {
        private int _at;

        public DataCell[] Cells { get; } = new DataCell[columns];

        public void Clear() => _at = 0;

        public void Empty() => Cells[_at++] = default;

        public void Text(string text) => Cells[_at++] = new DataCell(text);

        public void Number(int number) => Cells[_at++] = new DataCell(number);

        public void Number(decimal number) => Cells[_at++] = new DataCell(number);

        public void Boolean(bool value) => Cells[_at++] = new DataCell(value);

        public void Date(DateOnly date) => Cells[_at++] = new DataCell(date.ToDateTime(TimeOnly.MinValue));
    }

    /// <summary>The widest value of each column, in characters, the header included.</summary>
    private sealed class Measure(IReadOnlyList<string> header) : ICellSink
    {
        public int Column;

        public double[] Widths { get; } = [.. header.Select(h => (double)h.Length)];

        private void Take(int length)
        {
            Widths[Column] = Math.Max(Widths[Column], length);
            Column++;
        }

        public void Empty() => Column++;

        public void Text(string text) => Take(text.Length);

        public void Number(int number) => Take(number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);

        public void Number(decimal number) => Take(number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);

        public void Boolean(bool value) => Take(5);

        public void Date(DateOnly date) => Take(10);
    }
}
