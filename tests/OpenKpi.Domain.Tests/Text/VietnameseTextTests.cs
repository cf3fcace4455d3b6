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
    [InlineData("çong", "cong")]
    [InlineData("ÑAM", "nam")]
    [InlineData("ǹ ḿ Å ŕ", "n m a r")]
    [InlineData("c\u0327ong n\u0303am", "cong nam")]
    public void FoldsEveryLetterThatUnicodeDecomposesNotOnlyVietnameseOnes(string text, string folded)
    {
        Assert.Equal(folded, VietnameseText.Fold(text));
    }

    [Theory]
    [InlineData("Cộng hòa", "Co\u0323\u0302ng ho\u0300a")]
    [InlineData("Cộng", "Co\u0302\u0323ng")]   // the marks in another order: canonically the same letter
    [InlineData("ĐƯỜNG", "đươ\u0300ng")]
    [InlineData("한국", "\u1112\u1161\u11AB\u1100\u116E\u11A8")]
    public void PrecomposedAndDecomposedTextAreOneCanonicalString(string precomposed, string decomposed)
    {
        Assert.Equal(VietnameseText.Canonical(precomposed), VietnameseText.Canonical(decomposed));
        Assert.Equal(VietnameseText.Fold(precomposed), VietnameseText.Fold(decomposed));
    }

    [Fact]
    public void TheCanonicalFormKeepsTheMarksThatTheFoldDrops()
    {
        Assert.NotEqual(VietnameseText.Canonical("má"), VietnameseText.Canonical("mà"));
        Assert.Equal(VietnameseText.Fold("má"), VietnameseText.Fold("mà"));
        Assert.Equal("đ", VietnameseText.Canonical("Đ"));
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
