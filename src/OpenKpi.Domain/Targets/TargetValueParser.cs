using System.Text.RegularExpressions;
using OpenKpi.Domain.Entities;

namespace OpenKpi.Domain.Targets;

/// <summary>
/// Reads a target as published ("6,5-7,0", "≥ 95", "Dưới 2%", "Trên 90% tổng số án khởi tố", "Hoàn thành")
/// into a comparator and bounds in the published unit. Anything it cannot read with certainty is
/// Qualitative with no bounds: a value is never guessed.
/// </summary>
public static partial class TargetValueParser
{
    // Longest first, so "ít nhất" wins over nothing and "<=" over "<".
    private static readonly (string Prefix, Comparator Comparator)[] Prefixes =
    [
        ("tối thiểu", Comparator.GreaterOrEqual),
        ("ít nhất", Comparator.GreaterOrEqual),
        ("tối đa", Comparator.LessOrEqual),
        ("khoảng", Comparator.Approximately),
        ("trên", Comparator.GreaterThan),
        ("dưới", Comparator.LessThan),
        ("đạt", Comparator.Equal),
        ("<=", Comparator.LessOrEqual),
        (">=", Comparator.GreaterOrEqual),
        ("≤", Comparator.LessOrEqual),
        ("≥", Comparator.GreaterOrEqual),
        ("<", Comparator.LessThan),
        (">", Comparator.GreaterThan),
        ("≈", Comparator.Approximately),
        ("~", Comparator.Approximately),
        ("=", Comparator.Equal),
    ];

    [GeneratedRegex(@"^(?<n>" + VietnameseNumber.Pattern + @")\s*(?:%|‰)?(?=$|\s|[-–—])", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingNumber();

    [GeneratedRegex(@"^\s*[-–—]\s*", RegexOptions.CultureInvariant)]
    private static partial Regex RangeDash();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();

    public static ParsedTarget Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return ParsedTarget.NotStated;
        var text = Spaces().Replace(raw.Replace('\u00A0', ' '), " ").Trim();

        var comparator = Comparator.Equal;
        var hasPrefix = false;
        foreach (var (prefix, value) in Prefixes)
        {
            if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
            var rest = text[prefix.Length..];
            // A word prefix must end at a word boundary ("Trên 90", not "Trênx").
            if (char.IsLetter(prefix[^1]) && rest.Length > 0 && !char.IsWhiteSpace(rest[0])) continue;
            comparator = value;
            hasPrefix = true;
            text = rest.TrimStart();
            break;
        }

        if (!TryTakeNumber(ref text, out var first)) return ParsedTarget.Qualitative;

        if (!hasPrefix && RangeDash().Match(text) is { Success: true } dash)
        {
            var afterDash = text[dash.Length..];
            if (!TryTakeNumber(ref afterDash, out var second) || second < first) return ParsedTarget.Qualitative;
            return Finish(Comparator.Between, first, second, afterDash);
        }

        return comparator switch
        {
            Comparator.LessThan or Comparator.LessOrEqual => Finish(comparator, null, first, text),
            Comparator.GreaterThan or Comparator.GreaterOrEqual => Finish(comparator, first, null, text),
            _ => Finish(comparator, first, first, text),
        };
    }

    private static bool TryTakeNumber(ref string text, out decimal value)
    {
        value = 0;
        var match = LeadingNumber().Match(text);
        if (!match.Success || !VietnameseNumber.TryParse(match.Groups["n"].Value, out value)) return false;
        text = text[match.Length..].Trim();
        return true;
    }

    // Words after the number qualify it ("tổng số án khởi tố"); another number there means the
    // value is not one bound or one range, so it is left to be read by a person.
    private static ParsedTarget Finish(Comparator comparator, decimal? lower, decimal? upper, string rest)
    {
        if (rest.Length == 0) return new ParsedTarget(comparator, lower, upper, null);
        if (rest.Any(char.IsDigit) || rest[0] is '-' or '–' or '—' or '/' or ',' or '.') return ParsedTarget.Qualitative;
        return new ParsedTarget(comparator, lower, upper, rest);
    }
}
