using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Catalogue;

/// <summary>`dotnet run --project src/OpenKpi.Api -- import`: rebuilds the database from seeds/, or prints every error and exits 1.</summary>
public static class ImportCommand
{
    public static int Run(IConfiguration configuration, string contentRoot, TextWriter output, TextWriter error)
    {
        var options = configuration.GetSection(CatalogueOptions.Section).Get<CatalogueOptions>() ?? new CatalogueOptions();
        var seeds = options.ResolveSeedDirectory(contentRoot);
        var database = options.ResolveDatabasePath(contentRoot);
        try
        {
            var data = SeedImporter.Import(seeds, database);
            output.WriteLine($"Imported {seeds} into {database} (dataset {data.Dataset.Version}): " +
                $"{data.Documents.Count} documents, {data.Indicators.Count} indicators, {data.Targets.Count} targets, " +
                $"{data.CatalogueEntries.Count} catalogue entries.");
            return 0;
        }
        catch (SeedValidationException e)
        {
            error.WriteLine(e.Message);
            error.WriteLine(File.Exists(database) ? $"The existing database {database} was left as it was." : "No database was written.");
            return 1;
        }
    }
}
