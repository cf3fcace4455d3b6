using OpenKpi.Domain.Targets;

namespace OpenKpi.Domain.Tests.Targets;

public sealed class VietnameseNumberTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("6,5", 6.5)]
    [InlineData("99,99", 99.99)]
    [InlineData("1.800", 1800)]
    [InlineData("14.040,8", 14040.8)]
    [InlineData("123.456.789,01", 123456789.01)]
    public void ReadsVietnameseNumbers(string text, double expected)
    {
        Assert.True(VietnameseNumber.TryParse(text, out var value));
        Assert.Equal((decimal)expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.80")]
    [InlineData("1,2,3")]
    [InlineData("1.000,")]
    [InlineData(",5")]
    [InlineData("1 000")]
    [InlineData("abc")]
    public void RejectsWhatIsNotAVietnameseNumber(string text)
    {
        Assert.False(VietnameseNumber.TryParse(text, out _));
    }
}
