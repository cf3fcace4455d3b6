using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenKpi.Domain.Text;

namespace OpenKpi.Domain.Tests.Data;

/// <summary>
/// The departments dissolved on 1 March 2025 name every department that took their duties (domain.md, "Codes and the
/// 2025 reorganisation"), each successor kept in the same agency file as the department it follows.
/// </summary>
public sealed class SuccessorTests
{
    // A dissolved department, as the sources spell it (folded), and the successors domain.md gives it, as their names fold.
    public static TheoryData<string, string[]> Dissolved() => new()
    {
        { @"^so (tt&tt|thong tin va truyen thong)$", ["so khoa hoc va cong nghe", "so van hoa, the thao va du lich"] },
        { @"^so (ldtb&xh|lao dong\W+thuong binh va xa hoi)$",
            ["so noi vu", "so y te", "so giao duc va dao tao", "so nong nghiep va moi truong", "cong an tinh"] },
    };

    [Theory]
    [MemberData(nameof(Dissolved))]
    public void EachDissolvedDepartmentListsEverySuccessorInItsOwnFile(string department, string[] successors)
    {
        var dissolved = ReferenceLists.Agencies.Where(a => Regex.IsMatch(VietnameseText.Fold((string)a.Agency["name"]!), department)).ToList();

        Assert.NotEmpty(dissolved);
        Assert.All(dissolved, d =>
        {
            var listed = d.Agency["successorIds"]!.AsArray().Select(s => ReferenceLists.Agencies.Single(a => (string)a.Agency["id"]! == (string)s!)).ToList();
            Assert.All(listed, s => Assert.Equal(d.File, s.File));
            Assert.Equal(successors.Order(StringComparer.Ordinal), listed.Select(s => VietnameseText.Fold((string)s.Agency["name"]!)).Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public void TheRowsOnPressAndOnlineInformationAreLedByADepartmentWhoseDutiesPassedToCulture()
    {
        // 000 row 40 (harmful information on social networks) and 004 row 10 (information made public to citizens).
        var rows = new[]
        {
            RowAtSourceLineContaining("000-phu-luc-3-2024", "mạng xã hội"),
            RowAtSourceLineContaining("bd-kh2023-2023", "thông tin cung cấp công khai cho người dân"),
        };

        Assert.All(rows, row =>
        {
            var lead = ReferenceLists.Agency((string)row["leadAgencyIds"]![0]!);
            Assert.Matches(@"^so (tt&tt|thong tin va truyen thong)$", VietnameseText.Fold((string)lead["name"]!));
            Assert.Contains(lead["successorIds"]!.AsArray().Select(s => ReferenceLists.Agency((string)s!)),
                s => VietnameseText.Fold((string)s["name"]!) == "so van hoa, the thao va du lich");
        });
    }

    [Fact]
    public void PovertyReductionIsWithAgricultureAndEnvironmentIn2025AsTheVinhLongCatalogueShows()
    {
        var programme = CuratedTables.Of("vl-qd999-2025").Rows.Single(r => VietnameseText.Fold((string)r["label"]!).Contains("giam ngheo ben vung", StringComparison.Ordinal));

        Assert.Equal("C.2", (string?)programme["code"]);
        Assert.Equal("so nong nghiep va moi truong", VietnameseText.Fold((string?)programme["agency"]));
        Assert.Contains(CuratedTables.Of("vl-qd999-2025").SourceLines[((int)programme["line"]! - 1)..((int)programme["line"]! + 12)],
            line => line.Contains("nghèo bền vững", StringComparison.Ordinal));
    }

    [Fact]
    public void AnAgencyNoSourceNamesIsASuccessorAndItsNoteSaysWhereItComesFrom()
    {
        // An agency file is named for its province, or for the document that names no province.
        var documents = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Seeds, "documents.json")))!.AsArray()
            .Select(d => (Id: (string)d!["id"]!, Province: (string?)d["provinceId"])).ToList();
        bool NamedBySource(string file, JsonObject agency) => documents.Where(d => file == (d.Province ?? d.Id) + ".json").Any(d =>
            CuratedTables.Comparable(d.Id, CuratedTables.Of(d.Id).SourceText).Contains(
                CuratedTables.Comparable(d.Id, (string)agency["name"]!), StringComparison.OrdinalIgnoreCase));
        var successors = ReferenceLists.Agencies.SelectMany(a => a.Agency["successorIds"]!.AsArray().Select(s => (string)s!)).ToHashSet(StringComparer.Ordinal);
        var unnamed = ReferenceLists.Agencies.Where(a => !NamedBySource(a.File, a.Agency)).Select(a => a.Agency).ToList();

        Assert.Contains(unnamed, a => (string?)a["id"] == "d000-so-van-hoa-the-thao-va-du-lich");
        Assert.All(unnamed, a =>
        {
            Assert.Contains((string)a["id"]!, successors);
            Assert.Contains("Named by no source document", (string?)a["note"]);
            Assert.Contains("domain.md", (string?)a["note"]);
        });
    }

    private static JsonObject RowAtSourceLineContaining(string documentId, string text)
    {
        var table = CuratedTables.Of(documentId);
        var line = Array.FindIndex(table.SourceLines, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        Assert.True(line > 0, $"'{text}' is not in {table.SourceFile}");
        // The row is the last one that starts at or before the line (a label may wrap over several lines).
        return table.Rows.Last(r => (int)r["line"]! <= line);
    }
}
