namespace OpenKpi.Domain.Entities;

/// <summary>What a source document publishes: targets per year, or a catalogue of indicators to report.</summary>
public enum DocumentShape
{
    Targets,
    Catalogue,
}
