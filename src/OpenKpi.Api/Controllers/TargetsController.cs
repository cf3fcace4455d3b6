using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Published targets: wording and value as published beside the parsed comparator and bounds.</summary>
public sealed class TargetsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All targets, with OData query options, and $apply to count or aggregate them (e.g. targets per province and comparator).</summary>
    [KpiQuery(AllowAggregation = true)]
    public IQueryable<Target> Get() => catalogue.Targets.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'ls-qd136-2024-001'.</summary>
    [KpiQuery]
    public SingleResult<Target> Get(string key) => Keyed.Single(catalogue.TargetsById, key);

    /// <summary>The indicator the target sets.</summary>
    [KpiQuery]
    public IActionResult GetIndicator(string key) => Keyed.One(catalogue.TargetsById, key, t => t.Indicator);

    /// <summary>The province; 204 where the source names none.</summary>
    [KpiQuery]
    public IActionResult GetProvince(string key) => Keyed.One(catalogue.TargetsById, key, t => t.Province);

    /// <summary>The source document.</summary>
    [KpiQuery]
    public IActionResult GetDocument(string key) => Keyed.One(catalogue.TargetsById, key, t => t.Document);

    /// <summary>The unit of the value.</summary>
    [KpiQuery]
    public IActionResult GetUnit(string key) => Keyed.One(catalogue.TargetsById, key, t => t.Unit);

    /// <summary>The (first) lead agency.</summary>
    [KpiQuery]
    public IActionResult GetLeadAgency(string key) => Keyed.One(catalogue.TargetsById, key, t => t.LeadAgency);

    /// <summary>Every lead agency.</summary>
    [KpiQuery]
    public IActionResult GetLeadAgencies(string key) => Keyed.Many(catalogue.TargetsById, key, t => t.LeadAgencies);

    /// <summary>The coordinating agencies.</summary>
    [KpiQuery]
    public IActionResult GetCoordinatingAgencies(string key) => Keyed.Many(catalogue.TargetsById, key, t => t.CoordinatingAgencies);
}
