using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Provinces, keyed by ISO 3166-2 code.</summary>
public sealed class ProvincesController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All provinces, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Province> Get() => catalogue.Provinces.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'VN-09'.</summary>
    [KpiQuery]
    public SingleResult<Province> Get(string key) => Keyed.Single(catalogue.ProvincesById, key);

    /// <summary>The source documents of the province.</summary>
    [KpiQuery]
    public IActionResult GetDocuments(string key) => Keyed.Many(catalogue.ProvincesById, key, p => p.Documents);

    /// <summary>The province it was merged into in the 2025 reorganisation; 204 where it was not.</summary>
    [KpiQuery]
    public IActionResult GetSuccessor(string key) => Keyed.One(catalogue.ProvincesById, key, p => p.Successor);

    /// <summary>Every target the province published.</summary>
    [KpiQuery]
    public IActionResult GetTargets(string key) => Keyed.Many(catalogue.ProvincesById, key, p => p.Targets);
}
