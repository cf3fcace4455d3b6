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
    /// <summary>
    /// Every indicator that two or more documents share, with the wording that puts a row in it (a
    /// pattern over the folded label) and, where needed, the wording that keeps a look-alike out.
    /// </summary>
    public static TheoryData<string, string, string?> Groups() => new()
    {
        // indicator, a pattern every row of it matches (folded label), a pattern that excludes look-alikes
        { "active-enterprises", @"so doanh nghiep dang hoat dong", null },
        { "advanced-new-rural-commune-rate", @"xa duoc cong nhan (dat chuan |xa )?nong thon moi \(?nang cao", null },
        { "advanced-new-rural-communes-added", @"^(so )?xa dat chuan nong thon moi nang cao$", null },
        { "child-stunting-rate", @"suy dinh duong.*(thap coi|chieu cao theo do tuoi)", null },
        { "child-underweight-rate", @"suy dinh duong.*(nhe can|can nang theo do tuoi)", null },
        { "commercial-electricity-output", @"^-? ?dien thuong pham$", null },
        { "commune-health-stations-with-doctor-rate", @"tram y te xa.*co bac s[iy] lam viec", null },
        { "communes-national-health-criteria-rate", @"xa dat (bo )?tieu chi quoc gia ve y te", null },
        { "development-investment-capital", @"^tong von dau tu phat trien", @"tang$" },
        { "doctors-per-10000-population", @"bac s[iy]\b.*(10\.000|van) dan", @"tram y te|duoc s" },
        { "export-growth-rate", @"^(kim ngach xuat khau tang|toc do tang kim ngach xuat khau)", @"hang dia phuong" },
        { "export-turnover", @"^tong (gia tri )?kim ngach xuat khau$", null },
        { "fibre-household-rate", @"^ty le ho gia dinh (co|su dung) cap quang$", null },
        { "forest-cover-rate", @"ty le che phu (cua )?rung$", null },
        { "grdp-growth-rate", @"^toc do tang (tong san pham tren dia ban|truong kinh te \(grdp\))", null },
        { "grdp-per-capita", @"^(grdp|tong san pham) binh quan dau nguoi", null },
        { "health-insurance-coverage-rate", @"^ty le (dan so|nguoi dan) tham gia bao hiem y te", null },
        // 004 states beds in the same sentence as doctors "trên vạn dân", so its label is only "giường bệnh".
        { "hospital-beds-per-10000-population", @"giuong benh.*(10\.000|van) dan|^giuong benh$", null },
        { "housing-floor-area-per-capita", @"^dien tich nha o binh quan", null },
        { "industrial-production-index-growth-rate", @"^chi so san xuat cong nghiep (\(iip\)$|.*tang$)", null },
        { "industrial-zones-wastewater-treatment-rate", @"khu cong nghiep.*xu ly nuoc thai tap trung", null },
        { "infant-mortality-rate", @"tu vong tre em (<|duoi) 1 tuoi", null },
        { "local-budget-expenditure", @"^(tong )?chi ngan sach( dia phuong$| \(luy ke)", null },
        { "medical-waste-treatment-rate", @"chat thai (ran )?y te", null },
        { "new-rural-commune-rate", @"^ty le so xa dat (chuan|tieu chi xay dung) nong thon moi$", null },
        { "new-rural-communes-added", @"^(- so xa dat tieu chi|xay dung them xa dat chuan) (xay dung )?nong thon moi$", null },
        { "overseas-contract-workers", @"lao dong di lam viec o nuoc ngoai theo hop dong", null },
        { "poverty-rate-reduction", @"^(muc )?giam ty le ho ngheo", @"ho ngheo a" },
        { "retail-sales-and-services-revenue-growth-rate", @"^toc do tang tong muc ban le hang hoa va doanh thu dich vu", null },
        { "rural-hygienic-water-access-rate", @"nong thon duoc su dung nuoc hop ve sinh", null },
        { "sex-ratio-at-birth", @"^ty so gioi tinh khi sinh$", null },
        { "social-insurance-labour-force-coverage-rate", @"tham gia bao hiem xa hoi( so voi luc luong lao dong| dat$|$)", @"tu nguyen" },
        { "state-budget-revenue", @"^(tong )?thu (ngan )?sach( nha nuoc tren dia ban$|$| \(luy ke)", null },
        { "tourism-revenue", @"^(tong )?doanh thu du lich$", null },
        { "tourist-arrivals", @"^(tong|so) luot khach du lich$", null },
        { "trained-labour-rate", @"^ty le lao dong qua dao tao$", null },
        { "trained-labour-with-certificate-rate", @"lao dong qua dao tao co (van )?bang", null },
        { "under-5-mortality-rate", @"tu vong tre em (<|duoi) 5 tuoi", null },
        { "unemployment-insurance-labour-force-coverage-rate", @"luc luong lao dong.*tham gia bao hiem that nghiep", null },
        { "unemployment-insurance-participants", @"^so nguoi tham gia (bhtn|bao hiem that nghiep)$", null },
        { "urban-solid-waste-collection-treatment-rate", @"chat thai ran (sinh hoat do thi|o do thi) duoc thu gom|thu gom va xu ly chat thai ran sinh hoat do thi", null },
        { "urban-unemployment-rate", @"(that nghiep|khong co viec lam) o khu vuc thanh thi", null },
        { "urbanisation-rate", @"^ty le do thi hoa", null },
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
        Assert.True(rows.Where(r => linked.Contains((string)r.Row["id"]!)).Select(r => r.DocumentId).Distinct().Count() >= 2,
            $"{indicatorId} is listed as harmonised but only one document uses it");
    }

    [Fact]
    public void EveryIndicatorSharedByTwoDocumentsHasItsWordingRuleHere()
    {
        var shared = CuratedTables.All.SelectMany(t => t.Rows.Select(r => (t.DocumentId, Indicator: (string?)r["indicatorId"])))
            .Where(r => r.Indicator is not null)
            .GroupBy(r => r.Indicator!)
            .Where(g => g.Select(r => r.DocumentId).Distinct().Count() >= 2)
            .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
        var tested = Groups().Select(row => (string)row[0]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(shared, tested);
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

    [Fact]
    public void UrbanResidentsSuppliedWithWaterAreKeptApartFromThoseUsingWaterThatMeetsTheStandard()
    {
        // 000 line 56 "được cung cấp nước sạch" (supplied) names no standard; 001 row 21 "sử dụng nước sạch đạt chuẩn" does.
        var supplied = RowOnSourceLine("000-phu-luc-3-2024", "được cung cấp nước sạch");
        var standard = CuratedTables.Of("001-chi-tieu-2024").Rows.Where(r => ParentLabel(r)?.Contains("nước sạch đạt chuẩn", StringComparison.Ordinal) == true
            && ((string)r["label"]!).Contains("đô thị", StringComparison.Ordinal)).ToList();

        Assert.Equal("urban-clean-water-supply-rate", (string?)supplied["indicatorId"]);
        Assert.Equal("urban-clean-water-access-rate", (string?)Assert.Single(standard)["indicatorId"]);
        Assert.Contains("urban-clean-water-access-rate", (string?)ReferenceLists.Indicators["urban-clean-water-supply-rate"]["note"]);
        Assert.Contains("urban-clean-water-supply-rate", (string?)ReferenceLists.Indicators["urban-clean-water-access-rate"]["note"]);
    }

    [Fact]
    public void ACountOfCommunesInTable000IsTheCommunesAddedInTheYear()
    {
        // Row 38's sub-row counts 2 - 3 communes beside a share of 72 - 74,5 %: not a total, so the communes added.
        // Row 39 is worded the same way ("Số xã đạt …") and is read the same way, beside 001's "có thêm" (more).
        var counts = CuratedTables.Of("000-phu-luc-3-2024").Rows
            .Where(r => Regex.IsMatch(VietnameseText.Fold((string?)r["label"]), @"^(- )?so xa dat")).ToList();
        var added = CuratedTables.Of("001-chi-tieu-2024").Rows
            .Where(r => ParentLabel(r)?.Contains("có thêm", StringComparison.Ordinal) == true && (string?)r["unitId"] == "commune").ToList();

        Assert.Equal(2, counts.Count);
        Assert.All(counts, r => Assert.EndsWith("-added", (string?)r["indicatorId"]));
        Assert.NotEmpty(added);
        Assert.All(added, r => Assert.EndsWith("-added", (string?)r["indicatorId"]));
        Assert.Contains(added, r => (string?)r["indicatorId"] == (string?)counts[1]["indicatorId"]);
    }

    [Fact]
    public void AnIndicatorHoldingAWordingWithAQualifierTheOthersLackSaysSoInItsNote()
    {
        // 000 row 36 says "chất thải rắn y tế" (solid medical waste); the other rows of the indicator say "chất thải y tế".
        var rows = CuratedTables.All.SelectMany(t => t.Rows).Where(r => (string?)r["indicatorId"] == "medical-waste-treatment-rate").ToList();
        var solid = rows.Where(r => ((string)r["label"]!).Contains("chất thải rắn y tế", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(solid);
        Assert.True(rows.Count > solid.Count);
        Assert.Contains("chất thải rắn y tế", (string?)ReferenceLists.Indicators["medical-waste-treatment-rate"]["note"]);
        Assert.All(solid, r => Assert.Contains("Kept in one indicator on purpose", (string?)r["note"]));
    }

    [Fact]
    public void VocationalTrainingIsKeptApartFromAllTraining()
    {
        var vocational = CuratedTables.All.SelectMany(t => t.Rows).Where(r => VietnameseText.Fold((string?)r["label"]).Contains("qua dao tao nghe", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(vocational);
        Assert.All(vocational, r =>
        {
            Assert.NotEqual("trained-labour-rate", (string?)r["indicatorId"]);
            Assert.Contains("kept apart from trained-labour-rate", (string?)r["note"]);
        });
    }

    [Fact]
    public void NoIndicatorOfTrainedLabourHasAnOfficialEnglishName()
    {
        // No source gives an English name, and "workers with training" is our wording, not an established term.
        var training = ReferenceLists.Indicators.Values.Where(i => ((string)i["name"]!).Contains("lao động qua đào tạo", StringComparison.Ordinal)).ToList();

        Assert.Contains(training, i => (string?)i["id"] == "trained-labour-rate");
        Assert.All(training, i => Assert.True((bool)i["nameEnProvisional"]!, $"{i["id"]}: '{i["nameEn"]}' is our translation"));
    }

    private static JsonObject RowOnSourceLine(string documentId, string text)
    {
        var table = CuratedTables.Of(documentId);
        var line = Array.FindIndex(table.SourceLines, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        Assert.True(line > 0, $"'{text}' is not in {table.SourceFile}");
        return table.Rows.Single(r => (int)r["line"]! == line);
    }

    private static string? ParentLabel(JsonObject row) => row["parentId"] is JsonValue parent
        ? (string?)CuratedTables.All.SelectMany(t => t.Rows).Single(r => (string)r["id"]! == (string)parent!)["label"]
        : null;
}
