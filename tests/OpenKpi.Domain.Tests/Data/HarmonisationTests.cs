using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenKpi.Domain.Text;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>
/// The same quantity is one Indicator in every document. Each group is defined here by how the
/// sources word it, folded; the test holds that exactly the rows so worded share the indicator.
/// </summary>
public sealed class HarmonisationTests
{
    public static TheoryData<string, string, string?> Groups() => new()
    {
        // indicator, a pattern every row of it matches (folded label), a pattern that excludes look-alikes
        { "doctors-per-10000-population", @"bac s[iy]\b.*(10\.000|van) dan|bac s[iy] tren van dan", @"tram y te|duoc s" },
        // 004 states beds in the same sentence as doctors "trên vạn dân", so its label is only "giường bệnh".
        { "hospital-beds-per-10000-population", @"giuong benh.*(10\.000|van) dan|^giuong benh$", null },
        { "trained-labour-with-certificate-rate", @"lao dong qua dao tao co (van )?bang", null },
        { "trained-labour-rate", @"^ty le lao dong qua dao tao$", null },
        { "health-insurance-coverage-rate", @"^ty le (dan so|nguoi dan) tham gia bao hiem y te", null },
    };

    [Theory]
    [MemberData(nameof(Groups))]
    public void RowsWordedAlikeShareOneIndicator(string indicatorId, string wording, string? exclude)
    {
        var rows = CuratedTables.All.SelectMany(t => t.Rows.Select(r => (t.DocumentId, Row: r))).ToList();
        bool Worded(JsonObject row)
        {
            var label = VietnameseText.Fold((string?)row["label"]);
            return Regex.IsMatch(label, wording) && (exclude is null || !Regex.IsMatch(label, exclude));
        }

        var worded = rows.Where(r => Worded(r.Row)).Select(r => (string)r.Row["id"]!).Order().ToList();
        var linked = rows.Where(r => (string?)r.Row["indicatorId"] == indicatorId).Select(r => (string)r.Row["id"]!).Order().ToList();

        Assert.NotEmpty(worded);
        Assert.Equal(worded, linked);
    }

    [Fact]
    public void DoctorsPerTenThousandIsSetOrListedByEveryDocumentThatNamesIt()
    {
        var documents = CuratedTables.All.Where(t => t.Rows.Any(r => (string?)r["indicatorId"] == "doctors-per-10000-population"))
            .Select(t => t.DocumentId).Order().ToList();
        var naming = CuratedTables.All.Where(t => VietnameseText.Fold(t.SourceText).Contains("bac s", StringComparison.Ordinal)
                && Regex.IsMatch(VietnameseText.Fold(t.SourceText), @"bac s[iy]\W*(binh quan )?(/|tren)\W*(1 )?(van|10\.000)"))
            .Select(t => t.DocumentId).Order().ToList();

        Assert.Equal(naming, documents);
    }
}
