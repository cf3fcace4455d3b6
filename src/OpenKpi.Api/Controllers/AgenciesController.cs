using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Organisations named as lead, coordinating or reporting agencies.</summary>
public sealed class AgenciesController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All agencies, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Agency> Get() => catalogue.Agencies.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'vn09-so-y-te'.</summary>
    [KpiQuery]
    public SingleResult<Agency> Get(string key) => Keyed.Single(catalogue.AgenciesById, key);

    /// <summary>The province of the agency.</summary>
    [KpiQuery]
    public IActionResult GetProvince(string key) => Keyed.One(catalogue.AgenciesById, key, a => a.Province);
}
