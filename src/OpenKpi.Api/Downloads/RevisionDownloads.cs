using System.Collections.Concurrent;
using Microsoft.Net.Http.Headers;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Revisions;
using OpenKpi.Domain.Seeding;

namespace OpenKpi.Api.Downloads;

/// <summary>
/// Every revision's whole dataset as it was published, for citing: written from the revision log alone (never from today's
/// records), so it is the same bytes on every replica and every rebuild, which the SHA-256 each revision recorded when it was
/// published proves at every import. Built on first request and kept (at most a few hundred kilobytes a revision).
/// </summary>
public sealed class RevisionDownloads(CatalogueSnapshot catalogue)
{
    public const string PathTemplate = "/downloads/revisions/{id}/openkpi.json";

    private readonly ConcurrentDictionary<string, Lazy<byte[]>> _files = new(StringComparer.Ordinal);

    /// <summary>Revision <paramref name="id"/>'s dataset, or null when there is no such revision.</summary>
    public byte[]? Of(string id)
    {
        if (!catalogue.RevisionsById.ContainsKey(id)) return null;
        return _files.GetOrAdd(id, key => new Lazy<byte[]>(() =>
        {
            var errors = new List<SeedError>();
            var state = RevisionLog.Replay(catalogue.RevisionLog, errors, upTo: key);
            return errors.Count == 0 ? RevisionLog.Download(state) : throw new SeedValidationException(errors);
        })).Value;
    }

    /// <summary>
    /// The file, with validators of its own: its ETag is its SHA-256 and its Last-Modified the day it was published, so that every
    /// replica answers the same; it never changes, so caches may keep it for a year.
    /// </summary>
    public static IResult Answer(HttpContext context, string id, RevisionDownloads downloads, CatalogueSnapshot catalogue)
    {
        if (downloads.Of(id) is not { } bytes || catalogue.RevisionsById[id] is not { } revision)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found",
                detail: $"No revision '{id}'. The revisions are listed at /odata/Revisions.");
        context.Response.GetTypedHeaders().CacheControl = new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromDays(365), Extensions = { new NameValueHeaderValue("immutable") } };
        var published = new DateTimeOffset(revision.PublishedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return Results.File(bytes, "application/json", $"openkpi-revision-{id}.json", enableRangeProcessing: true,
            lastModified: published, entityTag: new EntityTagHeaderValue($"\"{revision.DownloadSha256}\""));
    }
}
