using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace OpenKpi.Api.Tests.Xlsx;

public enum CellKind { Empty, Text, Number, Boolean, Date }

public sealed record XlsxCell(CellKind Kind, string Text);

public sealed record XlsxSheet(string Name, List<List<XlsxCell>> Rows, bool HeaderFrozen, bool HeaderBold, List<double> Widths);

/// <summary>An XLSX read back with the Open XML SDK (not the library that wrote it): each sheet's cells with their types.</summary>
public static class XlsxWorkbook
{
    public static List<XlsxSheet> Read(byte[] bytes)
    {
        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        var workbook = document.WorkbookPart!;
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var formats = stylesheet?.NumberingFormats?.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value!) ?? [];
        var styles = stylesheet?.CellFormats?.Elements<CellFormat>().ToList() ?? [];
        var fonts = stylesheet?.Fonts?.Elements<Font>().ToList() ?? [];
        bool IsDate(uint style) => style < styles.Count && formats.GetValueOrDefault(styles[(int)style].NumberFormatId?.Value ?? 0) is { } code && code.Contains("yy");
        bool IsBold(uint style) => style < styles.Count && fonts[(int)(styles[(int)style].FontId?.Value ?? 0)].Bold is not null;

        var sheets = new List<XlsxSheet>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            var worksheet = part.Worksheet;
            var rows = worksheet.Descendants<Row>().Select(row => row.Elements<Cell>().Select(cell =>
            {
                var style = cell.StyleIndex?.Value ?? 0;
                var type = cell.DataType?.Value;
                if (type == CellValues.InlineString) return new XlsxCell(CellKind.Text, cell.InlineString!.InnerText);
                if (type == CellValues.SharedString) return new XlsxCell(CellKind.Text, shared[int.Parse(cell.CellValue!.Text)]);
                if (type == CellValues.String) return new XlsxCell(CellKind.Text, cell.CellValue!.Text);
                if (cell.CellValue is null) return new XlsxCell(CellKind.Empty, "");
                if (type == CellValues.Boolean) return new XlsxCell(CellKind.Boolean, cell.CellValue.Text);
                return new XlsxCell(IsDate(style) ? CellKind.Date : CellKind.Number, cell.CellValue.Text);
            }).ToList()).ToList();
            var pane = worksheet.Descendants<Pane>().FirstOrDefault();
            var frozen = pane is { State.Value: var state, VerticalSplit.Value: 1 } && state == PaneStateValues.Frozen;
            var bold = worksheet.Descendants<Row>().FirstOrDefault()?.Elements<Cell>().All(c => IsBold(c.StyleIndex?.Value ?? 0)) == true;
            var widths = worksheet.Descendants<Column>().Select(c => c.Width?.Value ?? 0).ToList();
            sheets.Add(new XlsxSheet(sheet.Name!.Value!, rows, frozen, bold, widths));
        }
        return sheets;
    }
}
