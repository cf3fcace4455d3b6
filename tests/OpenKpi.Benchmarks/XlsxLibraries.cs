using System.Diagnostics;
using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using OpenKpi.Api.Formatters;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Generation;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Benchmarks;

/// <summary>
/// The XLSX libraries side by side, writing every target of the national dataset (all structural columns, the download's
/// sheet) into a file through the CSV's column plan: wall time, bytes allocated and the peak resident memory the write
/// adds. One library per process, so that one's heap does not inflate the other's peak (tests/benchmark/xlsx.sh runs each).
/// dotnet run -c Release --project tests/OpenKpi.Benchmarks -- xlsx spreadcheetah|openxml [seeds folder]
/// </summary>
public static class XlsxLibraries
{
    public static async Task Run(string library, string? seeds)
    {
        seeds ??= NationalSeeds();
        var snapshot = new CatalogueSnapshot(SeedImporter.Load(seeds));
        var table = CsvEntityWriter.Whole(snapshot.Targets, typeof(Target));
        var path = Path.Combine(Path.GetTempPath(), $"openkpi-xlsx-benchmark-{library}.xlsx");
        Func<Stream, Task> write = library switch
        {
            "spreadcheetah" => stream => XlsxEntityWriter.WriteAsync(stream, [("Targets", table)], snapshot.Dataset.ImportedAtUtc, CancellationToken.None),
            "openxml" => stream => { OpenXmlSax(stream, "Targets", table); return Task.CompletedTask; },
            _ => throw new ArgumentException($"Unknown library {library}: spreadcheetah or openxml."),
        };

        await WriteTo(path, write);   // warm-up: JIT and the plan's compiled getters
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var before = ResidentBytes();
        ResetPeak();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await WriteTo(path, write);
        clock.Stop();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var peak = PeakResidentBytes();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {library} | {table.RowCount:N0} | {clock.Elapsed.TotalMilliseconds:N0} ms | {allocated / 1048576.0:N1} MB | {(peak - before) / 1048576.0:N1} MB | {new FileInfo(path).Length / 1048576.0:N1} MB |"));
        File.Delete(path);
    }

    private static async Task WriteTo(string path, Func<Stream, Task> write)
    {
        // ReadWrite: the Open XML SDK's package refuses a stream it cannot read.
        await using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, useAsync: true);
        await write(file);
    }

    // The Open XML SDK's streaming (SAX) writer: OpenXmlWriter over the worksheet part, one Cell element at a time.
    private static void OpenXmlSax(Stream stream, string name, CsvEntityWriter table)
    {
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            writer.WriteStartElement(new Row());
            foreach (var column in table.Header) writer.WriteElement(new Cell(new InlineString(new Text(column))) { DataType = CellValues.InlineString });
            writer.WriteEndElement();
            var cells = new OpenXmlCells(writer);
            for (var r = 0; r < table.RowCount; r++)
            {
                writer.WriteStartElement(new Row());
                table.Cells(r, cells);
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = name }));
    }

    private sealed class OpenXmlCells(OpenXmlWriter writer) : ICellSink
    {
        public void Empty() => writer.WriteElement(new Cell());
        public void Text(string text) => writer.WriteElement(new Cell(new InlineString(new Text(text))) { DataType = CellValues.InlineString });
        public void Number(int number) => writer.WriteElement(new Cell(new CellValue(number)));
        public void Number(decimal number) => writer.WriteElement(new Cell(new CellValue(number)));
        public void Boolean(bool value) => writer.WriteElement(new Cell(new CellValue(value)) { DataType = CellValues.Boolean });
        public void Date(DateOnly date) => writer.WriteElement(new Cell(new CellValue(date.ToDateTime(TimeOnly.MinValue).ToOADate())));
    }

    // Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static long ResidentBytes() => Status("VmRSS:");

    private static long PeakResidentBytes() => Status("VmHWM:");

    private static long Status(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;

    // The national dataset, generated once and kept between runs as the query benchmark does.
    private static string NationalSeeds()
    {
        var seeds = Path.Combine(Path.GetTempPath(), "openkpi-benchmarks", "national-seeds");
        if (!File.Exists(Path.Combine(seeds, "sources", "SYNTHETIC.txt"))) NationalDatasetGenerator.Generate(Path.Combine(Root(), "seeds"), seeds, null, seed: 1);
        return seeds;
    }

    private static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "OpenKpi.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}
