using System.Globalization;
using OpenKpi.Domain.Revisions;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Catalogue;

/// <summary>
/// `dotnet run --project src/OpenKpi.Api -- revise --summary "…" [--date 2026-12-01]`: publishes the seeds as they are now as the
/// next revision, written to seeds/revisions/&lt;n&gt;.json with what they add, change and remove (computed, never typed); commit it
/// with the seed changes. Until then the importer refuses seeds that differ from the last revision.
/// </summary>
public static class ReviseCommand
{
    public static int Run(string[] args, IConfiguration configuration, string contentRoot, TimeProvider clock, TextWriter output, TextWriter error)
    {
        var summary = Option(args, "--summary");
        var date = Option(args, "--date");
        DateOnly publishedOn = default;
        if (string.IsNullOrWhiteSpace(summary) || (date is not null && !DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out publishedOn)))
        {
            error.WriteLine("usage: revise --summary \"what changed and why, for people\" [--date yyyy-MM-dd (today, UTC)]");
            return 2;
        }
        if (date is null) publishedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var options = configuration.GetSection(CatalogueOptions.Section).Get<CatalogueOptions>() ?? new CatalogueOptions();
        var seeds = options.ResolveSeedDirectory(contentRoot);
        try
        {
            var (data, _) = SeedImporter.LoadUnpublished(seeds, clock);
            if (RevisionLog.Next(data.Revisions, data, summary, publishedOn) is not { } revision)
            {
                error.WriteLine($"The seeds are what revision {data.Revisions.Count} published: there is nothing to revise.");
                return 1;
            }
            var path = RevisionLog.Write(seeds, revision);
            output.WriteLine($"Revision {revision.Id} of {revision.PublishedOn:yyyy-MM-dd} written to {path}: " + string.Join("; ", revision.Changes.Select(c =>
                $"{c.Set} {c.Added.Length} added, {c.Changed.Length} changed, {c.Removed.Length} removed")) + ".");
            return 0;
        }
        catch (SeedValidationException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
