namespace OpenKpi.Api.Snapshot;

/// <summary>
/// Section "FastPaths": whether the snapshot's fast paths answer queries. Off, every query goes to the OData library as
/// plain <c>EnableQuery</c> would run it — no filter index, no skipped projection, no fast JSON or $count writer, plain
/// LINQ to Objects instead of compiled shapes — the reference the differential tests compare the fast paths with.
/// What has no library equivalent stays on both sides: $search (the search index), and CSV and XLSX (written from whole entities).
/// </summary>
public sealed class FastPathOptions
{
    public const string Section = "FastPaths";

    /// <summary>On in every deployment; off only to check the fast paths against the library.</summary>
    public bool Enabled { get; set; } = true;
}
