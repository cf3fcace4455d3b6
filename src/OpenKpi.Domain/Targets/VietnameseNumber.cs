using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenKpi.Domain.Targets;

/// <summary>Numbers as Vietnamese documents write them: "." groups thousands, "," is the decimal mark.</summary>
public static partial class VietnameseNumber
{
    /// <summary>A whole number with optional groups of exactly three digits, then an optional decimal part.</summary>
    public const string Pattern = @"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?";

    [GeneratedRegex("^(?:" + Pattern + ")$", RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    /// <summary>"14.040,8" → 14040.8; "1.000" → 1000; "1,000" → 1 (a decimal comma, as Vietnamese writes it).</summary>
    public static bool TryParse(string text, out decimal value)
    {
        value = 0;
        if (!Whole().IsMatch(text)) return false;
        var invariant = text.Replace(".", "", StringComparison.Ordinal).Replace(',', '.');
        return decimal.TryParse(invariant, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
