using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using OpenKpi.Api.Snapshot;

namespace OpenKpi.Api.OData;

/// <summary>Answers for one entity by key and for the collections reached from it.</summary>
public static class Keyed
{
    /// <summary>Zero or one entity; the query layer turns zero into 404.</summary>
    public static SingleResult<T> Single<T>(IReadOnlyDictionary<string, T> byId, string? key) =>
        SingleResult.Create(key is not null && byId.TryGetValue(key, out var entity) ? new[] { entity }.AsSnapshotQuery() : Array.Empty<T>().AsSnapshotQuery());

    /// <summary>A collection reached from the entity with <paramref name="key"/>, or 404 when there is none.</summary>
    public static IActionResult Many<TEntity, TItem>(IReadOnlyDictionary<string, TEntity> byId, string? key, Func<TEntity, IEnumerable<TItem>> items) =>
        key is not null && byId.TryGetValue(key, out var entity)
            ? new OkObjectResult(items(entity).AsSnapshotQuery())
            : NotFound(key);

    /// <summary>
    /// A single entity reached from the entity with <paramref name="key"/>; 204 No Content where that entity has none
    /// (OData: "if no entity is related, the service returns 204"), 404 where no entity has the key.
    /// </summary>
    public static IActionResult One<TEntity, TItem>(IReadOnlyDictionary<string, TEntity> byId, string? key, Func<TEntity, TItem?> item) where TItem : class =>
        key is null || !byId.TryGetValue(key, out var entity) ? NotFound(key)
        : item(entity) is { } found ? new OkObjectResult(SingleResult.Create(new[] { found }.AsSnapshotQuery()))
        : new NoContentResult();

    private static IActionResult NotFound(string? key) =>
        ODataErrors.Result(StatusCodes.Status404NotFound, "NotFound", $"Nothing is found for the key '{key}'.");
}
