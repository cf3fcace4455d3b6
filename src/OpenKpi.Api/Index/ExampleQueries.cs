using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Index;

/// <summary>A query the page links to: what it asks, in English and Vietnamese, and its address.</summary>
public sealed record ExampleQuery(string English, string Vietnamese, string Href);

/// <summary>
/// The page's example queries, chosen from the data (the province with the most targets, the indicator set by the
/// most documents), so that each finds something in whatever dataset is loaded. Built once: the snapshot never changes.
/// </summary>
public sealed class ExampleQueries(CatalogueSnapshot catalogue)
{
    public IReadOnlyList<ExampleQuery> All { get; } = Choose(catalogue).ToList();

    private static IEnumerable<ExampleQuery> Choose(CatalogueSnapshot catalogue)
    {
        var province = catalogue.Provinces.Where(p => p.Targets.Count > 0).MaxBy(p => p.Targets.Count);
        var year = province?.Targets.GroupBy(t => t.Year).MaxBy(g => g.Count())!.Key;
        var ofProvince = province is null ? null : $"ProvinceId eq {Literal(province.Id)} and Year eq {year}";
        if (province is not null)
            yield return new($"Targets of {province.NameEn} for {year}, counted", $"Chỉ tiêu năm {year} của {province.Name}, kèm tổng số",
                $"/odata/Targets?$filter={Escape(ofProvince!)}&$count=true");

        var indicator = catalogue.Indicators.Where(i => i.Targets.Count > 0).MaxBy(i => i.Targets.Select(t => t.DocumentId).Distinct().Count());
        if (indicator is not null)
            yield return new($"Compare provinces on one indicator: {indicator.NameEn}", $"So sánh các tỉnh theo một chỉ số: {indicator.Name}",
                $"/odata/Indicators({Escape(Literal(indicator.Id))})/Targets?$select=DocumentId,ProvinceId,Year,SourceLabel,RawValue");

        yield return new("Search without diacritics: \"bac si\" finds both spellings of \"doctor\"", "Tìm kiếm không dấu: \"bac si\" tìm thấy \"bác sĩ\" và \"bác sỹ\"",
            $"/odata/Targets?$search={Escape("bac si")}&$select=Id,SourceLabel,RawValue");

        yield return new("Targets counted per province and year", "Số chỉ tiêu theo tỉnh và năm",
            $"/odata/Targets?$apply={Escape("groupby((ProvinceId,Year),aggregate($count as Count))")}");

        if (province is not null)
            yield return new($"The same targets of {province.NameEn} as a CSV file for Excel", $"Các chỉ tiêu đó của {province.Name} dưới dạng tệp CSV cho Excel",
                $"/odata/Targets?$filter={Escape(ofProvince!)}&$select=SourceRow,SourceLabel,RawValue,UnitId&$format=csv");
    }

    /// <summary>An OData string literal: quoted, its quotes doubled.</summary>
    internal static string Literal(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
