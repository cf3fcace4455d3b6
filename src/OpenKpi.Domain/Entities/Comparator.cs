namespace OpenKpi.Domain.Entities;

/// <summary>How a published target bounds its value.</summary>
public enum Comparator
{
    Equal,
    Approximately,
    LessThan,
    LessOrEqual,
    GreaterThan,
    GreaterOrEqual,
    Between,
    Qualitative,
}
