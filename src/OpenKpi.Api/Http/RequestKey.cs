using System.Security.Cryptography;
using System.Text;

namespace OpenKpi.Api.Http;

/// <summary>
/// Everything an answer depends on, hashed into its ETag: requests with the same key get the same bytes from the same
/// dataset. The answer names the scheme and host (in @odata.context and @odata.nextLink), so they are part of the
/// key; so are the query options, decoded and sorted (their order and percent-encoding do not change the answer),
/// and the request headers in <see cref="Vary"/>, and the build of the API that writes it. Each part is written with
/// its length, so no value can pass for another. The output cache keys its entries by the same parts (<see cref="ResponseCachePolicy"/>).
/// </summary>
public static class RequestKey
{
    /// <summary>
    /// The request headers that change an answer: Accept (JSON or CSV, metadata level), Accept-Encoding (compression),
    /// Prefer (odata.maxpagesize), OData-MaxVersion and OData-Version (4.01 writes "@context" and "@nextLink", which a 4.0 client does not read).
    /// </summary>
    public const string Vary = "Accept, Accept-Encoding, Prefer, OData-MaxVersion, OData-Version";

    /// <summary>The headers of <see cref="Vary"/>, one by one.</summary>
    public static readonly string[] VaryHeaders = Vary.Split(", ");

    // Another build may write other bytes for the same request and data: its answers must not pass for this one's.
    private static readonly string Build = typeof(RequestKey).Assembly.ManifestModule.ModuleVersionId.ToString("N");

    private static string Of(HttpRequest request, string datasetVersion)
    {
        var key = new StringBuilder(256);
        Part(key, datasetVersion);
        Part(key, Build);
        Part(key, request.Scheme);
        Part(key, request.Host.Value);
        Part(key, request.PathBase.Value);
        Part(key, request.Path.Value);

        var query = request.Query;
        var names = new string[query.Count];
        query.Keys.CopyTo(names, 0);
        Array.Sort(names, StringComparer.Ordinal);
        key.Append(names.Length).Append('|');
        foreach (var name in names)
        {
            var values = query[name];
            Part(key, name);
            key.Append(values.Count).Append('|');
            foreach (var value in values) Part(key, value);
        }

        var headers = request.Headers;
        foreach (var header in VaryHeaders) Part(key, headers[header].ToString());
        return key.ToString();
    }

    /// <summary>A strong entity tag for the answer to the request: a hash of its key.</summary>
    public static string ETag(HttpRequest request, string datasetVersion) =>
        $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Of(request, datasetVersion))))[..32]}\"";

    private static void Part(StringBuilder key, string? value) => key.Append(value?.Length ?? -1).Append(':').Append(value);
}
