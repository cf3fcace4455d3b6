using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Catalogue;

/// <summary>
/// Opens the catalogue at start-up and never loses data doing it:
/// no database → build it from seeds; seeds changed, or the code that builds records from them → rebuild, but keep serving the existing database
/// when the new seeds are invalid or the file system is read-only; a corrupt database or one of another
/// schema → moved aside (never deleted) and rebuilt. Only "no usable database and invalid seeds" stops start-up.
/// The seeds are known unchanged without reading them when every file has the length and last write the database recorded
/// (<see cref="SeedReader.Stamp"/>); otherwise they are hashed.
/// </summary>
public sealed class CatalogueLoader(IOptions<CatalogueOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<CatalogueLoader> logger)
{
    public CatalogueSnapshot Load()
    {
        var seeds = options.Value.ResolveSeedDirectory(environment.ContentRootPath);
        var database = options.Value.ResolveDatabasePath(environment.ContentRootPath);
        var started = Stopwatch.GetTimestamp();
        var stamp = Directory.Exists(seeds) ? SeedReader.Stamp(seeds) : null;
        var existing = ReadExisting(database);
        var read = Stopwatch.GetTimestamp();
        // Seed files of the lengths and last writes the database recorded are the ones it was built from; others are hashed
        // while the database is linked (430 MB of seeds at a million targets).
        var asRecorded = existing is not null && stamp is not null && stamp == existing.Dataset.SeedStamp;
        var seedVersion = asRecorded
            ? Task.FromResult((Version: (string?)existing!.Dataset.Version, Done: read))
            : Task.Run(() => (Version: SeedVersion(seeds), Done: Stopwatch.GetTimestamp()));
        // Linked before the seeds' hash is known, beside it: when it differs the database is rebuilt, and the snapshot dropped.
        var linked = existing is not null && existing.Dataset.Fingerprint == CatalogueFingerprint.Current ? existing.Link() : null;
        var hash = seedVersion.GetAwaiter().GetResult();
        logger.LogDebug("Start-up's load: database read in {Read} ms, linked in {Link} ms; the seeds {Seeds} in {Hash} ms",
            (int)Stopwatch.GetElapsedTime(started, read).TotalMilliseconds, (int)Stopwatch.GetElapsedTime(read).TotalMilliseconds,
            asRecorded ? "as recorded, not read," : "hashed beside them", (int)Stopwatch.GetElapsedTime(started, hash.Done).TotalMilliseconds);
        CatalogueSnapshot snapshot;
        if (existing is null)
        {
            logger.LogInformation("No usable database at {Database}: building it from {Seeds}", database, seeds);
            snapshot = new CatalogueSnapshot(SeedImporter.Import(seeds, database, clock));
        }
        else if (hash.Version is { } version && version != existing.Dataset.Version)
        {
            logger.LogInformation("The seeds (dataset {Version}) differ from the database (dataset {Existing}): rebuilding", version, existing.Dataset.Version);
            linked = null;
            snapshot = Refresh(seeds, database, existing);
        }
        else if (existing.Dataset.Fingerprint != CatalogueFingerprint.Current && Directory.Exists(seeds))
        {
            logger.LogInformation("The database was built by other code (fingerprint {Existing}, this build {Current}): rebuilding it from the same seeds",
                existing.Dataset.Fingerprint, CatalogueFingerprint.Current);
            snapshot = Refresh(seeds, database, existing);
        }
        else snapshot = linked ?? existing.Link();
        logger.LogInformation("Catalogue {Version} loaded from {Database}: {Targets} targets, {Indicators} indicators, {Entries} catalogue entries; the seeds {Seeds}",
            snapshot.Dataset.Version, database, snapshot.Targets.Count, snapshot.Indicators.Count, snapshot.CatalogueEntries.Count,
            asRecorded ? "as the database recorded them (each file's length and last write), not read" : "read");
        return snapshot;
    }

    private StoredCatalogue? ReadExisting(string database)
    {
        if (!File.Exists(database)) return null;
        try
        {
            return CatalogueStore.Open(database);
        }
        catch (CatalogueStoreException e)
        {
            var aside = $"{database}.unusable-{clock.GetUtcNow():yyyyMMddHHmmss}";
            File.Move(database, aside);
            if (File.Exists(CatalogueStore.ImagePath(database))) File.Move(CatalogueStore.ImagePath(database), CatalogueStore.ImagePath(aside));
            logger.LogWarning("The database {Database} cannot be used ({Reason}); moved aside to {Aside} and rebuilding it from seeds", database, e.Message, aside);
            return null;
        }
    }

    // The seeds or the code changed since the database was built: rebuild it, or keep serving it and say why not.
    private CatalogueSnapshot Refresh(string seeds, string database, StoredCatalogue existing)
    {
        try
        {
            return new CatalogueSnapshot(SeedImporter.Import(seeds, database, clock));
        }
        catch (SeedValidationException e)
        {
            logger.LogError("The seeds are invalid; serving the existing database (dataset {Existing}). {Errors}", existing.Dataset.Version, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("The database cannot be rewritten ({Reason}); serving the existing one (dataset {Existing})", e.Message, existing.Dataset.Version);
        }
        return existing.Link();
    }

    // Only hashes the seed files: parsing them all would slow every start-up at national scale.
    private static string? SeedVersion(string seeds) => Directory.Exists(seeds) ? SeedReader.Version(seeds) : null;
}

public static class CatalogueServiceExtensions
{
    /// <summary>Registers the in-memory catalogue every request queries.</summary>
    public static IServiceCollection AddKpiCatalogue(this IServiceCollection services)
    {
        services.AddOptions<CatalogueOptions>().BindConfiguration(CatalogueOptions.Section).ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CatalogueLoader>();
        services.AddSingleton(sp => sp.GetRequiredService<CatalogueLoader>().Load());
        return services;
    }

    /// <summary>
    /// Begins loading the catalogue on the thread pool, so that the server starts beside it, and puts first in the pipeline
    /// what holds requests until it is loaded: /health/live answers at once, /health/ready 503 until the catalogue is
    /// loaded, and every other request waits for it. The task is false, with every seed error logged, when there is no
    /// usable database and the seeds cannot build one: the process then exits non-zero.
    /// </summary>
    public static Task<bool> LoadKpiCatalogue(this WebApplication app)
    {
        var loaded = Task.Run(() => TryLoad(app));
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (loaded is { IsCompletedSuccessfully: true, Result: true } || path.StartsWithSegments("/health/live")
                || (!path.StartsWithSegments("/health/ready") && await Loaded(loaded, context.RequestAborted)))
            {
                await next(context);
                return;
            }
            if (context.RequestAborted.IsCancellationRequested) return;   // its client has gone
            // As the health checks answer when they fail: not cached, plain text.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.CacheControl = "no-store, no-cache";
            context.RequestServices.GetRequiredService<Http.QueryAdmission>().SetRetryAfter(context);
            await context.Response.WriteAsync("Unhealthy", context.RequestAborted);
        });
        return loaded;
    }

    // Whether the catalogue loaded; false when the client leaves first, or the load failed (the process then stops).
    private static async Task<bool> Loaded(Task<bool> loaded, CancellationToken aborted)
    {
        try { return await loaded.WaitAsync(aborted); }
        catch (Exception) { return false; }
    }

    private static bool TryLoad(WebApplication app)
    {
        try
        {
            var snapshot = app.Services.GetRequiredService<CatalogueSnapshot>();
            // Once serving, build the key, year and search indexes, then hand the memory that loading and indexing
            // used for a moment back to the system (at 100,000 targets, ~150 MB of resident memory).
            app.Lifetime.ApplicationStarted.Register(() => Task.Run(() =>
            {
                snapshot.Warm();
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            }));
            return true;
        }
        catch (SeedValidationException e)
        {
            app.Logger.LogCritical("No usable database, and the seeds cannot build one. {Errors}", e.Message);
            Console.Error.WriteLine(e.Message);   // the errors as plain lines, for whoever started the process
            return false;
        }
    }
}
