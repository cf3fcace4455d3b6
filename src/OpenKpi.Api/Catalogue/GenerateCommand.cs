using System.Globalization;
using OpenKpi.Domain.Generation;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Catalogue;

/// <summary>
/// `dotnet run --project src/OpenKpi.Api -- generate --out data/national [--targets N] [--seed 1]`: writes the
/// real seeds plus a national-scale synthetic dataset (the folder is replaced) — by default a decade of every
/// indicator in 34 provinces (107,780 targets); serve it with Catalogue__SeedDirectory=&lt;out&gt;.
/// </summary>
public static class GenerateCommand
{
    public static int Run(string[] args, IConfiguration configuration, string contentRoot, TextWriter output, TextWriter error)
    {
        int? targets = args.Contains("--targets") ? Option(args, "--targets", 0) : null;
        var seed = Option(args, "--seed", 1);
        var outDirectory = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault();
        if (outDirectory is null || targets <= 0)
        {
            error.WriteLine("usage: generate --out FOLDER [--targets N (default: 34 provinces x every indicator x 10 years)] [--seed N (1)]");
            return 2;
        }
        var options = configuration.GetSection(CatalogueOptions.Section).Get<CatalogueOptions>() ?? new CatalogueOptions();
        try
        {
            var written = NationalDatasetGenerator.Generate(options.ResolveSeedDirectory(contentRoot), Path.GetFullPath(outDirectory), targets, seed);
            output.WriteLine($"Wrote the real seeds and {written} synthetic targets (seed {seed}) to {Path.GetFullPath(outDirectory)}; serve them with Catalogue__SeedDirectory={Path.GetFullPath(outDirectory)}.");
            return 0;
        }
        catch (Exception e) when (e is SeedValidationException or IOException)
        {
            error.WriteLine(e.Message);   // invalid real seeds, or a folder it must not replace
            return 1;
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
}
