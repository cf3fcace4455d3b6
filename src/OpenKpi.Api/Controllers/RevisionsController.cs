using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>The dataset's published revisions, each with what it added, changed and removed, and its whole dataset as it was.</summary>
public sealed class RevisionsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>Every revision, oldest first, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Revision> Get() => catalogue.Revisions.AsSnapshotQuery();

    /// <summary>One revision by key, e.g. '1'.</summary>
    [KpiQuery]
    public SingleResult<Revision> Get(string key) => Keyed.Single(catalogue.RevisionsById, key);

    /// <summary>The provinces this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetProvinces(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Provinces);

    /// <summary>The documents this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetDocuments(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Documents);

    /// <summary>The groups this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetGroups(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Groups);

    /// <summary>The units this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetUnits(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Units);

    /// <summary>The frequencies this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetFrequencies(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Frequencies);

    /// <summary>The agencies this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetAgencies(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Agencies);

    /// <summary>The indicators this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetIndicators(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Indicators);

    /// <summary>The targets this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetTargets(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.Targets);

    /// <summary>The catalogue entries this revision last changed.</summary>
    [KpiQuery]
    public IActionResult GetCatalogueEntries(string key) => Keyed.Many(catalogue.RevisionsById, key, r => r.CatalogueEntries);
}
