using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenKpi.Api.Formatters;
using OpenKpi.Api.Tests.Infrastructure;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Tests.Csv;

/// <summary>The CSV writer writes RFC 4180 as a plain reference writer (below, strings and the invariant culture) writes it, byte for byte.</summary>
[Collection(KpiCollection.Name)]
public sealed class CsvEntityWriterTests(KpiApplication app)
{
    public sealed record Awkward(string Id, string? Text, int Count, int? Maybe, decimal Amount, decimal? Bound, bool Flag,
        DateOnly Day, Comparator? Comparator, string[] Tags, double Ratio, long Big, bool? Known = null, DateOnly? Issued = null,
        DocumentShape Shape = DocumentShape.Targets);

    private static readonly Awkward[] AwkwardRows =
    [
        new("a", "plain", 1, null, 6.50m, null, true, new DateOnly(2025, 7, 1), Comparator.GreaterOrEqual, [], 0.1, long.MaxValue, true, new DateOnly(2025, 12, 31), DocumentShape.Catalogue),
        new("b,c", "say \"hi\", twice \"\"", -2, 3, -0.000001m, 1234567890.12345m, false, DateOnly.MinValue, null, ["x", "y;z"], double.NaN, -1, false, DateOnly.MinValue, (DocumentShape)7),
        new(" leading", "trailing ", 0, 0, 0m, 0.0m, false, DateOnly.MaxValue, Comparator.Between, ["one"], 1e300, 0),
        new("line\r\nbreak", "tỷ lệ hộ nghèo dưới 2%\n\"quoted\"", int.MinValue, int.MaxValue, decimal.MaxValue, decimal.MinValue, true, new DateOnly(2024, 2, 29), null, ["\"", ","], -0.0, 5),
        new("", null, 7, null, 1m, null, true, new DateOnly(2000, 1, 1), null, [], 2.5, 6),
        // Longer than the writer's buffer, with quotes to double: the buffer has to grow inside one field.
        new("long", string.Concat(Enumerable.Repeat("Chỉ tiêu \"GRDP\", ", 4000)), 8, 9, 10m, 11m, false, new DateOnly(2030, 12, 31), Comparator.LessOrEqual, ["a"], 3, 7),
    ];

    [Fact]
    public void AwkwardValuesAreWrittenAsTheReferenceWritesThem()
    {
        var rows = AwkwardRows.Concat(Enumerable.Range(0, 2000).Select(i => AwkwardRows[i % AwkwardRows.Length] with { Id = $"row-{i}" })).ToList();

        Assert.Equal(TextWriterBytes(rows), ByteWriterBytes(rows));
    }

    public sealed record Amounts(decimal Value, decimal? Maybe);

    [Fact]
    public void DecimalsKeepEveryDigitOfTheirScaleAsTheInvariantCultureWritesThem()
    {
        decimal[] values =
        [
            6.50m, 0.5m, -0.5m, 0.05m, 100.000m, 5m, -123.450m, 0m, 0.0m, -0.0m, decimal.Negate(0.00m), 1.000000000000000000m,
            0.000000000000000001m, -0.0000000000000000001m, 9223372036854775807m, 9223372036854775808m, 18446744073709551615m,
            18446744073709551616m, 1844674407370955161.5m, decimal.MaxValue, decimal.MinValue, 1234567890.12345m, 79228162514264337593543950.335m,
        ];
        // And generated ones: every scale, digits of every length up to 96 bits, both signs.
        var random = new Random(20261203);
        var generated = Enumerable.Range(0, 5000).Select(_ =>
        {
            var bits = random.Next(1, 97);
            var (low, middle, high) = (random.Next(), bits > 32 ? random.Next() : 0, bits > 64 ? random.Next() : 0);
            var mask = bits switch { < 32 => (1 << bits) - 1, _ => -1 };
            return new decimal(bits <= 32 ? low & mask : low, bits <= 32 ? 0 : middle, high, random.Next(2) == 0, (byte)random.Next(0, 29));
        });
        var rows = values.Concat(generated).Select(v => new Amounts(v, -v)).ToList();

        Assert.Equal(TextWriterBytes(rows), ByteWriterBytes(rows));
        Assert.Contains("\r\n6.50,-6.50\r\n", Encoding.UTF8.GetString(ByteWriterBytes(rows)));
    }

    public sealed record Texts(string? First, string? Second, string? Third);

    [Fact]
    public void GeneratedTextFieldsAreWrittenAsTheReferenceWritesThem()
    {
        // Fields of the characters that decide quoting (comma, quote, line breaks, spaces at either end) among Vietnamese
        // letters, a character outside the BMP and a lone surrogate, of every length from empty to more than the writer's buffer.
        string[] pieces = [",", "\"", "\r", "\n", "\r\n", " ", "a", "ệ", "Đ", "6,5", "😀", "\ud800", "x\"y", ";"];
        var random = new Random(20261204);
        string Field() => random.Next(8) switch
        {
            0 => null!,
            1 => "",
            7 => string.Concat(Enumerable.Range(0, random.Next(1, 9000)).Select(_ => pieces[random.Next(pieces.Length)])),
            _ => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)])),
        };
        var rows = Enumerable.Range(0, 3000).Select(_ => new Texts(Field(), Field(), Field())).ToList();

        Assert.Equal(TextWriterBytes(rows), ByteWriterBytes(rows));
    }

    [Fact]
    public void EverySetOfTheSeedsIsWrittenAsTheReferenceWritesIt()
    {
        var catalogue = app.Services.GetRequiredService<CatalogueSnapshot>();
        Assert.True(catalogue.Targets.Count > 100);

        Assert.Equal(TextWriterBytes(catalogue.Provinces.ToList()), ByteWriterBytes(catalogue.Provinces.ToList()));
        Assert.Equal(TextWriterBytes(catalogue.Documents.ToList()), ByteWriterBytes(catalogue.Documents.ToList()));
        Assert.Equal(TextWriterBytes(catalogue.Agencies.ToList()), ByteWriterBytes(catalogue.Agencies.ToList()));
        Assert.Equal(TextWriterBytes(catalogue.Indicators.ToList()), ByteWriterBytes(catalogue.Indicators.ToList()));
        Assert.Equal(TextWriterBytes(catalogue.Targets.ToList()), ByteWriterBytes(catalogue.Targets.ToList()));
        Assert.Equal(TextWriterBytes(catalogue.CatalogueEntries.ToList()), ByteWriterBytes(catalogue.CatalogueEntries.ToList()));
    }

    [Fact]
    public void ASelectionWritesItsColumnsInTheOrderAskedThenEachExpansionsColumns()
    {
        var catalogue = app.Services.GetRequiredService<CatalogueSnapshot>();
        var rows = catalogue.Targets.Take(300).ToList();
        var selection = Selection("Targets", "$select=Upper,Id,SourceLabel,Lower&$expand=Province($select=NameEn),Indicator($select=Id;$expand=Unit($select=Name))");

        var written = Encoding.UTF8.GetString(ByteWriterBytes(rows, selection));

        var expected = "Upper,Id,SourceLabel,Lower,Province/NameEn,Indicator/Id,Indicator/Unit/Name\r\n" + string.Concat(rows.Select(r =>
            string.Join(",", new[] { Invariant(r.Upper), r.Id, r.SourceLabel, Invariant(r.Lower), r.Province?.NameEn ?? "", r.Indicator?.Id ?? "", r.Indicator?.Unit?.Name ?? "" }.Select(Quoted)) + "\r\n"));
        Assert.Equal("\uFEFF" + expected, written);
        Assert.Contains(rows, r => r.Province is null);   // the empty fields of a null navigation are part of what is checked
    }

    [Fact]
    public void WhatIsNotAnEntityHasNoCsvShape()
    {
        Assert.Null(CsvEntityWriter.For(new List<int> { 1, 2 }));
        Assert.Null(CsvEntityWriter.For("text"));
        Assert.Null(CsvEntityWriter.For(null));
    }

    private static string Invariant(decimal? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static Microsoft.OData.UriParser.SelectExpandClause Selection(string set, string query)
    {
        var model = OpenKpi.Api.OData.EdmModelFactory.Build();
        var parser = new Microsoft.OData.UriParser.ODataUriParser(model, new Uri("http://h/"), new Uri($"http://h/{set}?{query}"));
        return parser.ParseSelectAndExpand();
    }

    private static string Quoted(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 || field.StartsWith(' ') || field.EndsWith(' ') ? $"\"{field.Replace("\"", "\"\"")}\"" : field;

    // The reference: every public scalar (or string[]) property in declaration order, fields formatted with the invariant culture.
    private static byte[] TextWriterBytes<T>(List<T> rows)
    {
        var properties = typeof(T).GetProperties().Where(p => IsColumn(p.PropertyType)).ToList();
        var text = new StringBuilder(string.Join(",", properties.Select(p => Quoted(p.Name)))).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", properties.Select(p => Quoted(Field(p.GetValue(row)))))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static bool IsColumn(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(string[]));

    private static string Field(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        DateOnly day => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        string[] items => string.Join(";", items),
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };

    private static byte[] ByteWriterBytes<T>(List<T> rows, Microsoft.OData.UriParser.SelectExpandClause? columns = null)
    {
        using var stream = new MemoryStream();
        CsvEntityWriter.For(rows, columns)!.Write(stream, preamble: true);
        var synchronous = stream.ToArray();
        using var asynchronous = new MemoryStream();
        CsvEntityWriter.For(rows, columns)!.WriteAsync(asynchronous, preamble: true, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(synchronous, asynchronous.ToArray());
        return synchronous;
    }
}
