using System.Linq.Expressions;
using Microsoft.AspNetCore.OData.Deltas;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;
using OpenKpi.Api.Formatters;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.OData;

/// <summary>
/// OData delta for portals that mirror the dataset. The delta token is the Id of the revision the client last saw:
/// <c>Prefer: odata.track-changes</c> on an entity set puts <c>@odata.deltaLink</c> (…<c>$deltatoken=&lt;the revision served&gt;</c>)
/// on its last page; following it answers, as a delta payload written by the library's delta serializer, the records that
/// later revisions added or changed and an <c>@removed</c> entry for each they removed, with a new delta link.
/// </summary>
public static class DeltaTracking
{
    public const string TokenOption = "$deltatoken";
    private const string Preference = "odata.track-changes";

    /// <summary>Whether the request follows a delta link.</summary>
    public static bool FollowsDelta(HttpRequest request) => request.Query.ContainsKey(TokenOption);

    /// <summary>Whether the client asked for a delta link (Prefer: odata.track-changes), among other preferences.</summary>
    public static bool TracksChanges(HttpRequest request) =>
        request.Headers.GetCommaSeparatedValues("Prefer").Any(p => p.Split(';')[0].Trim().Equals(Preference, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The rows of <paramref name="queryable"/> that changed after the token's revision. Throws <see cref="StaleLinkException"/> for a
    /// token this dataset does not hold, and an <see cref="ODataException"/> where a delta does not apply.
    /// </summary>
    public static IQueryable Since(IQueryable queryable, ODataQueryOptions options, CatalogueSnapshot catalogue)
    {
        var request = options.Request;
        var token = request.Query[TokenOption].ToString();
        if (options.Context.Path?.LastSegment is not EntitySetSegment)
            throw new ODataException("$deltatoken applies to an entity set (/odata/Agencies?$deltatoken=1), not to one entity or a navigation.");
        var offending = new[] { "$apply", "$expand", "$select", "$orderby", "$skip", "$top", "$search", "$skiptoken", "$count", "$compute" }
            .Where(o => request.Query.ContainsKey(o)).ToList();
        if (offending.Count > 0)
            throw new ODataException($"A delta link takes $filter only, besides $deltatoken; drop {string.Join(", ", offending)}. " +
                "A delta answers whole records: every one that changed since the token's revision, and each one removed.");
        if (request.WantsTable()) throw new ODataException($"{request.TableFormat()} is not offered for a delta; ask for JSON (the default).");
        if (queryable.ElementType.GetProperty("RevisionId") is null)
            throw new ODataException("The revision log has no delta of its own: every revision is listed in /odata/Revisions, the newest last.");
        var seen = RevisionIndex(catalogue, token);
        var later = catalogue.Revisions.Skip(seen + 1).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var entity = Expression.Parameter(queryable.ElementType, "e");
        var changedLater = Expression.Lambda(
            Expression.Call(Expression.Constant(later), typeof(HashSet<string>).GetMethod(nameof(HashSet<string>.Contains))!,
                Expression.Property(entity, "RevisionId")), entity);
        return queryable.Provider.CreateQuery(Expression.Call(typeof(Queryable), nameof(Queryable.Where), [queryable.ElementType], queryable.Expression, Expression.Quote(changedLater)));
    }

    /// <summary>The answer to a delta request: every changed row whole, then the removed ones, and the next delta link.</summary>
    public static object DeltaSetOf<T>(IReadOnlyList<T> rows, HttpRequest request, CatalogueSnapshot catalogue) where T : class
    {
        var feature = request.ODataFeature();
        var set = (IEdmEntitySet)feature.Path.NavigationSource();
        var properties = set.EntityType.StructuralProperties().Select(p => typeof(T).GetProperty(p.Name)!).ToList();
        if (rows.Count > QueryLimits.MaxEntitiesPerAnswer)
            throw new ODataException($"{rows.Count:N0} records changed since that revision, more than one answer holds ({QueryLimits.MaxEntitiesPerAnswer:N0}, MaxEntitiesPerAnswer): " +
                "start over with a full read (Prefer: odata.track-changes) or take /downloads/openkpi.json.");
        var delta = new DeltaSet<T>();
        foreach (var row in rows)
        {
            var changed = new Delta<T>();
            foreach (var property in properties) changed.TrySetPropertyValue(property.Name, property.GetValue(row));
            delta.Add(changed);
        }
        var seen = RevisionIndex(catalogue, request.Query[TokenOption].ToString());
        var root = request.CreateODataLink();
        // The keys the log says later revisions removed from this set (not parsed back out of Revision.RemovedRecords).
        foreach (var id in catalogue.RevisionLog.Skip(seen + 1).SelectMany(r => r.Changes).Where(c => c.Set == set.Name).SelectMany(c => c.Removed))
        {
            var removed = new DeltaDeletedResource<T> { Id = new Uri($"{root}/{OpenKpi.Domain.Revisions.RevisionLog.KeyOf(set.Name, id)}"), Reason = DeltaDeletedEntryReason.Deleted };
            removed.TrySetPropertyValue("Id", id);
            delta.Add(removed);
        }
        feature.DeltaLink = Link(request, catalogue);
        return delta;
    }

    /// <summary>
    /// Whether the read tracks changes: an entity set read with Prefer: odata.track-changes, whose last page carries the delta link.
    /// Not a dataset without revisions, which has nothing to track, nor a read with other options than $filter and $count, which
    /// no delta repeats ($skip is what next links page with), nor a table.
    /// </summary>
    public static bool Tracks(HttpRequest request, CatalogueSnapshot catalogue) =>
        catalogue.LatestRevision is not null && TracksChanges(request)
        && request.ODataFeature().Path?.LastSegment is EntitySetSegment { EntitySet.Name: not "Revisions" } && !request.WantsTable()
        && !request.Query.Keys.Any(k => k.StartsWith('$') && k is not ("$filter" or "$count" or "$format" or "$skip" or "$skiptoken"));

    /// <summary>
    /// On a page of a read that <see cref="Tracks"/> changes, Preference-Applied; on its last (<paramref name="pageWasCut"/> false),
    /// the delta link: this request's $filter with the revision it was answered from as its token.
    /// </summary>
    public static void OnLastPage(HttpRequest request, CatalogueSnapshot catalogue, bool pageWasCut)
    {
        if (!Tracks(request, catalogue)) return;
        var headers = request.HttpContext.Response.Headers;
        headers["Preference-Applied"] = string.Join(", ", headers["Preference-Applied"].Append(Preference).Where(p => !string.IsNullOrEmpty(p)));
        if (!pageWasCut) request.ODataFeature().DeltaLink = Link(request, catalogue);
    }

    private static Uri Link(HttpRequest request, CatalogueSnapshot catalogue)
    {
        var query = QueryString.Create(request.Query.Where(q => q.Key == "$filter").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString()))
            .Append(KeyValuePair.Create(TokenOption, (string?)catalogue.LatestRevision!.Id)));
        return new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{query}");
    }

    // Where the token's revision stands in the log; a token this dataset does not hold means the client must start over.
    private static int RevisionIndex(CatalogueSnapshot catalogue, string token)
    {
        for (var i = 0; i < catalogue.Revisions.Count; i++)
            if (catalogue.Revisions[i].Id == token) return i;
        throw new StaleLinkException(catalogue.LatestRevision is { } latest
            ? $"The delta token '{token}' names no revision this service holds (it serves revisions 1 to {latest.Id}). " +
              "Start over: read the set again with Prefer: odata.track-changes, and follow the delta link on its last page."
            : "This dataset has no revision log, so there are no changes to track: read the set again.");
    }
}

/// <summary>A delta or next link that names another dataset than the one served: the client must start over (410 Gone).</summary>
public sealed class StaleLinkException(string message) : Exception(message);
