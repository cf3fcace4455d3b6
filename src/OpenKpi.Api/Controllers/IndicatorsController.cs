using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OData.Results;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using OpenKpi.Api.OData;
using OpenKpi.Api.Snapshot;
using OpenKpi.Domain.Catalogue;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Api.Controllers;

/// <summary>Harmonised indicators: one concept shared by every province's row that measures it.</summary>
public sealed class IndicatorsController(CatalogueSnapshot catalogue) : ODataController
{
    /// <summary>All indicators, with OData query options.</summary>
    [KpiQuery]
    public IQueryable<Indicator> Get() => catalogue.Indicators.AsSnapshotQuery();

    /// <summary>One entity by key, e.g. 'doctors-per-10000-population'.</summary>
    [KpiQuery]
    public SingleResult<Indicator> Get(string key) => Keyed.Single(catalogue.IndicatorsById, key);

    /// <summary>The indicator's group.</summary>
    [KpiQuery]
    public IActionResult GetGroup(string key) => Keyed.One(catalogue.IndicatorsById, key, i => i.Group);

    /// <summary>The indicator's usual unit.</summary>
    [KpiQuery]
    public IActionResult GetUnit(string key) => Keyed.One(catalogue.IndicatorsById, key, i => i.Unit);

    /// <summary>The frequencies catalogues report the indicator at.</summary>
    [KpiQuery]
    public IActionResult GetFrequencies(string key) => Keyed.Many(catalogue.IndicatorsById, key, i => i.Frequencies);

    /// <summary>Every target set for the indicator, across provinces and years.</summary>
    [KpiQuery]
    public IActionResult GetTargets(string key) => Keyed.Many(catalogue.IndicatorsById, key, i => i.Targets);

    /// <summary>Every catalogue row that lists the indicator.</summary>
    [KpiQuery]
    public IActionResult GetCatalogueEntries(string key) => Keyed.Many(catalogue.IndicatorsById, key, i => i.CatalogueEntries);
}
