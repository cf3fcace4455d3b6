using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Source documents with their legal citation.</summary>
public sealed class DocumentsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All documents, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Document> Get() => catalogue.Documents.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'ls-qd136-2024'.</summary>
    [KpiQuery]
    public SingleResult<Document> Get(string key) => Keyed.Single(catalogue.DocumentsById, key);

    /// <summary>The province the document is from; 204 where the source names none.</summary>
    [KpiQuery]
    public IActionResult GetProvince(string key) => Keyed.One(catalogue.DocumentsById, key, d => d.Province);

    /// <summary>Every target row of the document, in published order.</summary>
    [KpiQuery]
    public IActionResult GetTargets(string key) => Keyed.Many(catalogue.DocumentsById, key, d => d.Targets);

    /// <summary>Every row of a catalogue document, in published order.</summary>
    [KpiQuery]
    public IActionResult GetCatalogueEntries(string key) => Keyed.Many(catalogue.DocumentsById, key, d => d.CatalogueEntries);
}
