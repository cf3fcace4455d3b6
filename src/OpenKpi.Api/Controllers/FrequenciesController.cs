using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Reporting frequencies, keyed by SDMX code where one fits.</summary>
public sealed class FrequenciesController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All frequencies, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Frequency> Get() => catalogue.Frequencies.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'M'.</summary>
    [KpiQuery]
    public SingleResult<Frequency> Get(string key) => Keyed.Single(catalogue.FrequenciesById, key);
}
