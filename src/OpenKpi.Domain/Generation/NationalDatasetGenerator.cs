using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Domain.Generation;

/// <summary>
/// A national-scale dataset for benchmarks: the real seeds, unchanged, plus 34 synthetic provinces (codes
/// VN-W0…VN-Z2, which no real province uses, each named "synthetic") that each publish a target for every
/// real Indicator in every year of a decade (2016–2025). Asked for more than 34 × indicators × 10 targets,
/// a province-year publishes several synthetic plans. Values and comparators are drawn near the real targets
/// of each indicator. Deterministic for a seed. It writes a seeds folder, so the API serves it through
/// configuration (Catalogue:SeedDirectory) without code changes.
/// </summary>
public static class NationalDatasetGenerator
{
    public const int Provinces = 34;
    public const int FirstYear = 2016;
    public const int Years = 10;
    private const string SourceFile = "SYNTHETIC.txt";

    /// <summary>
    /// Writes the real seeds and <paramref name="targets"/> synthetic targets (by default a decade of every
    /// indicator in every synthetic province); returns how many synthetic targets it wrote.
    /// </summary>
    public static int Generate(string realSeeds, string outputSeeds, int? targets, int seed)
    {
        var real = SeedImporter.Load(realSeeds);
        var targetCount = targets ?? Provinces * Years * real.Indicators.Count;
        var random = new Random(seed);
        Clear(outputSeeds);
        // Without the revision log: the synthetic rows were never published, so the dataset has no revisions.
        foreach (var file in Directory.GetFiles(realSeeds, "*", SearchOption.AllDirectories)
                     .Where(f => !Path.GetRelativePath(realSeeds, f).Replace('\\', '/').StartsWith(Revisions.RevisionLog.Folder + "/", StringComparison.Ordinal)))
        {
            var copy = Path.Combine(outputSeeds, Path.GetRelativePath(realSeeds, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        File.WriteAllText(Path.Combine(outputSeeds, "sources", SourceFile),
            $"Synthetic targets generated for benchmarks from seed {seed}; no province published them.\n");

        var provinces = Enumerable.Range(0, Provinces).Select(i => $"VN-{"WXYZ"[i / 10]}{i % 10}").ToList();
        var provinceRecords = JsonNode.Parse(File.ReadAllText(Path.Combine(realSeeds, "provinces.json")))!.AsArray();
        foreach (var (id, i) in provinces.Select((id, i) => (id, i)))
        {
            provinceRecords.Add(new JsonObject
            {
                ["id"] = id, ["name"] = $"Tỉnh mô phỏng {i + 1:00}", ["nameEn"] = $"Synthetic province {i + 1:00}",
                ["successorId"] = null, ["note"] = "Synthetic, for benchmarks: not a real province.",
            });
        }
        Write(outputSeeds, "provinces.json", provinceRecords);

        var examples = real.Targets.Where(t => t.IndicatorId is not null && (t.Lower is not null || t.Upper is not null))
            .GroupBy(t => t.IndicatorId!).ToDictionary(g => g.Key, g => g.ToList());
        var indicators = real.Indicators.OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        var plansPerYear = Math.Max(1, (int)Math.Ceiling(targetCount / (double)(Provinces * Years * indicators.Count)));
        var documents = JsonNode.Parse(File.ReadAllText(Path.Combine(realSeeds, "documents.json")))!.AsArray();
        var written = 0;
        for (var plan = 1; plan <= plansPerYear && written < targetCount; plan++)
        {
            for (var year = FirstYear; year < FirstYear + Years && written < targetCount; year++)
            {
                foreach (var province in provinces)
                {
                    if (written >= targetCount) break;
                    var documentId = plansPerYear == 1 ? $"synthetic-{province.ToLowerInvariant()}-{year}" : $"synthetic-{province.ToLowerInvariant()}-{year}-{plan}";
                    documents.Add(new JsonObject
                    {
                        ["id"] = documentId, ["sourceFile"] = SourceFile, ["provinceId"] = province, ["issuer"] = "Synthetic", ["kind"] = "Synthetic",
                        ["number"] = null, ["issuedOn"] = $"{year - 1}-12-31", ["title"] = $"Synthetic targets {year} ({plan})", ["appendix"] = null,
                        ["year"] = year, ["shape"] = "Targets", ["note"] = $"Synthetic, generated for benchmarks from seed {seed}.",
                    });
                    var rows = new JsonArray();
                    foreach (var indicator in indicators)
                    {
                        if (written >= targetCount) break;
                        var order = rows.Count + 1;
                        rows.Add(new JsonObject
                        {
                            ["id"] = $"{documentId}-{order:0000}", ["order"] = order, ["row"] = order.ToString(CultureInfo.InvariantCulture),
                            ["parentId"] = null, ["section"] = null, ["paragraph"] = null, ["label"] = indicator.Name, ["indicatorId"] = indicator.Id,
                            ["unit"] = null, ["unitId"] = indicator.UnitId, ["unitInherited"] = false,
                            ["value"] = Value(random, examples.GetValueOrDefault(indicator.Id)),
                            ["leadAgency"] = null, ["leadAgencyIds"] = new JsonArray(), ["coordinatingAgencies"] = null, ["coordinatingAgencyIds"] = new JsonArray(),
                            ["agencyInherited"] = false, ["year"] = null, ["line"] = 1, ["note"] = null,
                        });
                        written++;
                    }
                    Write(outputSeeds, Path.Combine("targets", $"{documentId}.json"), new JsonObject { ["documentId"] = documentId, ["rows"] = rows });
                }
            }
        }
        Write(outputSeeds, "documents.json", documents);
        return written;
    }

    // Only an empty folder or an earlier generated dataset is replaced: "--out seeds" must not delete the real seeds.
    private static void Clear(string folder)
    {
        if (!Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any()) return;
        if (!File.Exists(Path.Combine(folder, "sources", SourceFile)))
            throw new IOException($"{folder} is not empty and holds no generated dataset; choose another folder.");
        Directory.Delete(folder, recursive: true);
    }

    // A value near a real target of the indicator (or in 0–100 without one), in a published form chosen
    // with roughly the frequencies of the real documents, written the Vietnamese way ("6,5", "8.700").
    private static string Value(Random random, List<Target>? examples)
    {
        var example = examples?[random.Next(examples.Count)];
        var centre = (double)(example?.Lower ?? example?.Upper ?? 50m);
        var value = Math.Round(centre * (0.8 + random.NextDouble() * 0.4), centre >= 100 ? 0 : 1);
        var text = Number(value);
        return random.Next(100) switch
        {
            < 65 => text,
            < 76 => $"{text} - {Number(Math.Round(value * 1.1, value >= 100 ? 0 : 1))}",
            < 82 => $"Trên {text}",
            < 87 => $"< {text}",
            < 92 => $"≥ {text}",
            < 94 => $"≤{text}",
            < 97 => $"Khoảng {text}",
            _ => "Hoàn thành",
        };
    }

    private static string Number(double value)
    {
        var text = value.ToString(value % 1 == 0 ? "#,0" : "#,0.0", CultureInfo.InvariantCulture);
        return text.Replace(",", "\u0001", StringComparison.Ordinal).Replace(".", ",", StringComparison.Ordinal).Replace("\u0001", ".", StringComparison.Ordinal);
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Write(string folder, string relative, JsonNode node) =>
        File.WriteAllText(Path.Combine(folder, relative), node.ToJsonString(Json));
}
