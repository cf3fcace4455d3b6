using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Units of measure, with the base unit and multiplier that make values comparable.</summary>
public sealed class UnitsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All units, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Unit> Get() => catalogue.Units.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'vnd-billion'.</summary>
    [KpiQuery]
    public SingleResult<Unit> Get(string key) => Keyed.Single(catalogue.UnitsById, key);
}
