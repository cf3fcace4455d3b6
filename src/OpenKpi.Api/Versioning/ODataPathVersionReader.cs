using Asp.Versioning;

namespace OpenKpi.Api.Versioning;

/// <summary>Reads the version from an /odata/v{major}/ path as "{major}.0"; plain /odata carries none and gets the default.</summary>
public sealed class ODataPathVersionReader : IApiVersionReader
{
    public IReadOnlyList<string> Read(HttpRequest request)
    {
        var segments = request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length >= 2 && segments[0].Equals("odata", StringComparison.OrdinalIgnoreCase) && TryMajor(segments[1], out var major))
            return [$"{major}.0"];
        return [];
    }

    public void AddParameters(IApiVersionParameterDescriptionContext context) =>
        context.AddParameter("version", ApiVersionParameterLocation.Path);

    /// <summary>"v1" → 1. Only a "v" followed by digits is a version segment.</summary>
    public static bool TryMajor(string segment, out int major)
    {
        major = 0;
        return segment.Length > 1 && segment[0] is 'v' or 'V' && segment[1..].All(char.IsAsciiDigit) && int.TryParse(segment[1..], out major);
    }
}
