using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Targets;

namespace OpenKpi.Domain.Tests.Targets;

public sealed class TargetValueParserTests
{
    public static TheoryData<string, Comparator, decimal?, decimal?> Values => new()
    {
        // a value
        { "150", Comparator.Equal, 150m, 150m },
        { "8.700", Comparator.Equal, 8700m, 8700m },
        { "94,75", Comparator.Equal, 94.75m, 94.75m },
        { "14.040,8", Comparator.Equal, 14040.8m, 14040.8m },
        { "65.982", Comparator.Equal, 65982m, 65982m },
        { "17,0", Comparator.Equal, 17.0m, 17.0m },
        { "100%", Comparator.Equal, 100m, 100m },
        // a range, with every dash
        { "14 - 15", Comparator.Between, 14m, 15m },
        { "6,5-7,0", Comparator.Between, 6.5m, 7.0m },
        { "72 - 74,5", Comparator.Between, 72m, 74.5m },
        { "8.000 - 10.000", Comparator.Between, 8000m, 10000m },
        { "103-107", Comparator.Between, 103m, 107m },
        { "96 – 97", Comparator.Between, 96m, 97m },
        { "96—97", Comparator.Between, 96m, 97m },
        { "7 - 7,5", Comparator.Between, 7m, 7.5m },
        { "20%-25%", Comparator.Between, 20m, 25m },
        // a bound with a symbol
        { "< 3", Comparator.LessThan, null, 3m },
        { "> 6,5", Comparator.GreaterThan, 6.5m, null },
        { "≥ 95", Comparator.GreaterOrEqual, 95m, null },
        { "≤12", Comparator.LessOrEqual, null, 12m },
        { "<5,2", Comparator.LessThan, null, 5.2m },
        { "> 8,7", Comparator.GreaterThan, 8.7m, null },
        { "<= 4", Comparator.LessOrEqual, null, 4m },
        { ">=4", Comparator.GreaterOrEqual, 4m, null },
        // a bound in words, any case
        { "Trên 90", Comparator.GreaterThan, 90m, null },
        { "Dưới 2%", Comparator.LessThan, null, 2m },
        { "Ít nhất 4", Comparator.GreaterOrEqual, 4m, null },
        { "tối thiểu 30", Comparator.GreaterOrEqual, 30m, null },
        { "Tối đa 5", Comparator.LessOrEqual, null, 5m },
        { "khoảng 124", Comparator.Approximately, 124m, 124m },
        { "Đạt 91,2", Comparator.Equal, 91.2m, 91.2m },
        { " Trên 98", Comparator.GreaterThan, 98m, null },
        { "TRÊN 75%", Comparator.GreaterThan, 75m, null },
        // words only
        { "Hoàn thành", Comparator.Qualitative, null, null },
        { "Đạt dự toán được giao", Comparator.Qualitative, null, null },
        { "Phấn đấu kéo giảm số vụ về trật tự xã hội; kiềm chế làm giảm số vụ tai nạn giao thông.", Comparator.Qualitative, null, null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ReadsEveryPublishedForm(string raw, Comparator comparator, decimal? lower, decimal? upper)
    {
        var parsed = TargetValueParser.Parse(raw);

        Assert.Equal(comparator, parsed.Comparator);
        Assert.Equal(lower, parsed.Lower);
        Assert.Equal(upper, parsed.Upper);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u00A0")]
    public void AnEmptyCellStatesNoTarget(string? raw)
    {
        Assert.Equal(ParsedTarget.NotStated, TargetValueParser.Parse(raw));
    }

    [Fact]
    public void ANumberFollowedByWordsKeepsTheWordsAsItsQualifier()
    {
        var parsed = TargetValueParser.Parse("Trên 90% tổng số án khởi tố");

        Assert.Equal(new ParsedTarget(Comparator.GreaterThan, 90m, null, "tổng số án khởi tố"), parsed);
    }

    [Theory]
    [InlineData("2 - 3 xã và 4 huyện")]
    [InlineData("5 và 7")]
    [InlineData("10 - 5")]
    [InlineData("3 - 4 - 5")]
    [InlineData("Trên 5 - 6")]
    [InlineData("2023 hoặc 2024")]
    public void TwoNumbersThatAreNotARangeAreLeftQualitative(string raw)
    {
        Assert.Equal(ParsedTarget.Qualitative, TargetValueParser.Parse(raw));
    }

    [Theory]
    [InlineData("1.000", 1000)]
    [InlineData("1,000", 1)]
    [InlineData("1.000.000", 1000000)]
    [InlineData("1000", 1000)]
    public void ADotGroupsThousandsAndACommaIsTheDecimalMark(string raw, double expected)
    {
        Assert.Equal((decimal)expected, TargetValueParser.Parse(raw).Lower);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("12.34")]
    [InlineData("1.0000")]
    [InlineData("Trênx 5")]
    [InlineData("-")]
    [InlineData("5/10")]
    public void AnythingNotReadWithCertaintyIsQualitativeWithoutBounds(string raw)
    {
        var parsed = TargetValueParser.Parse(raw);

        Assert.Equal(Comparator.Qualitative, parsed.Comparator);
        Assert.Null(parsed.Lower);
        Assert.Null(parsed.Upper);
    }
}
