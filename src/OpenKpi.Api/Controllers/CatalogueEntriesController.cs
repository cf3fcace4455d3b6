using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Rows of indicator catalogues: what a province reports, how often and by whom.</summary>
public sealed class CatalogueEntriesController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All catalogueEntries, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<CatalogueEntry> Get() => catalogue.CatalogueEntries.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'vl-qd999-2025-001'.</summary>
    [KpiQuery]
    public SingleResult<CatalogueEntry> Get(string key) => Keyed.Single(catalogue.CatalogueEntriesById, key);

    /// <summary>The source document.</summary>
    [KpiQuery]
    public IActionResult GetDocument(string key) => Keyed.One(catalogue.CatalogueEntriesById, key, e => e.Document);

    /// <summary>The indicator the row lists; 404 for a heading row.</summary>
    [KpiQuery]
    public IActionResult GetIndicator(string key) => Keyed.One(catalogue.CatalogueEntriesById, key, e => e.Indicator);

    /// <summary>The unit of the row.</summary>
    [KpiQuery]
    public IActionResult GetUnit(string key) => Keyed.One(catalogue.CatalogueEntriesById, key, e => e.Unit);

    /// <summary>The province the catalogue belongs to; 204 where the source names none.</summary>
    [KpiQuery]
    public IActionResult GetProvince(string key) => Keyed.One(catalogue.CatalogueEntriesById, key, e => e.Province);

    /// <summary>The reporting agency.</summary>
    [KpiQuery]
    public IActionResult GetAgency(string key) => Keyed.One(catalogue.CatalogueEntriesById, key, e => e.Agency);

    /// <summary>The reporting frequencies of the row.</summary>
    [KpiQuery]
    public IActionResult GetFrequencies(string key) => Keyed.Many(catalogue.CatalogueEntriesById, key, e => e.Frequencies);
}
