using OpenKpi.Domain.Text;

namespace OpenKpi.Domain.Tests.Text;

public sealed class VietnameseTextTests
{
    [Theory]
    [InlineData("Số bác sĩ trên 10.000 dân", "so bac si tren 10.000 dan")]
    [InlineData("Số bác sỹ/1 vạn dân", "so bac sy/1 van dan")]
    [InlineData("Đường ô tô", "duong o to")]
    [InlineData("ĐỒNG ĐĂNG", "dong dang")]
    [InlineData("  Tỷ lệ\n  hộ   nghèo ", "ty le ho ngheo")]
    [InlineData("Nghìn tỷ đồng", "nghin ty dong")]
    [InlineData("ma má mà mả mã mạ", "ma ma ma ma ma ma")]
    [InlineData("Ưu tiên Ơn", "uu tien on")]
    public void FoldsMarksCaseAndSpaces(string text, string folded)
    {
        Assert.Equal(folded, VietnameseText.Fold(text));
    }

    [Fact]
    public void FoldsDecomposedTextLikePrecomposed()
    {
        var decomposed = "ba\u0301c si\u0303 \u0111u\u031Bo\u031B\u0300ng";

        Assert.Equal("bac si duong", VietnameseText.Fold(decomposed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void FoldsNothingToEmpty(string? text)
    {
        Assert.Equal("", VietnameseText.Fold(text));
    }
}
