using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>The thematic taxonomy every indicator belongs to.</summary>
public sealed class GroupsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All groups, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Group> Get() => catalogue.Groups.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'health'.</summary>
    [KpiQuery]
    public SingleResult<Group> Get(string key) => Keyed.Single(catalogue.GroupsById, key);

    /// <summary>The broader group.</summary>
    [KpiQuery]
    public IActionResult GetParent(string key) => Keyed.One(catalogue.GroupsById, key, g => g.Parent);

    /// <summary>The indicators of the group.</summary>
    [KpiQuery]
    public IActionResult GetIndicators(string key) => Keyed.Many(catalogue.GroupsById, key, g => g.Indicators);
}
