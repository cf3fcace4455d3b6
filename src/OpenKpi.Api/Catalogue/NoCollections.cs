using System.Runtime;

namespace OpenKpi.Api.Catalogue;

/// <summary>
/// Reading and linking an existing database without a garbage collection until they are done, then one. At a million
/// targets they allocate ~650 MB (the 150 MB image and its strings, then ~400 MB of records), nearly all of it kept: under
/// the deployed 16 MB budget of the youngest generation (Dockerfile, DOTNET_GCGen0MaxBudget) about 35 collections each
/// marked and copied the newest records on their way to the oldest generation. The compacting collection after start-up
/// packs them once. Without a database, or when the runtime cannot set so much aside, collections happen as usual.
/// </summary>
internal sealed class NoCollections
{
    // What reading and linking allocate beside the image: its strings and records, measured at ~3.4 times its size.
    private const long RecordsPerImageByte = 4;

    private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes();
    private bool _started;

    /// <summary>What the process allocated from the start of the region to its end.</summary>
    public long AllocatedBytes { get; private set; }

    // One region a process: asking for another while one is held ends the first (and throws). Another catalogue loading
    // meanwhile (the tests' hosts) is collected as usual.
    private static int s_held;

    public static NoCollections For(string image)
    {
        var region = new NoCollections();
        if (!File.Exists(image) || Interlocked.CompareExchange(ref s_held, 1, 0) != 0) return region;
        var length = new FileInfo(image).Length;
        try
        {
            // The image is one array in the large-object heap, with the lists of records and strings; the records are small objects.
            region._started = GC.TryStartNoGCRegion(length * (1 + RecordsPerImageByte), length + length / 4);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
        {
            // More than the runtime sets aside at once (a database of many millions of targets), or a region of other code.
        }
        if (!region._started) Volatile.Write(ref s_held, 0);
        return region;
    }

    /// <summary>Ends the region; true when nothing was collected in it (it held).</summary>
    public bool End()
    {
        AllocatedBytes = GC.GetTotalAllocatedBytes() - _allocatedBefore;
        if (!_started) return false;
        _started = false;
        Volatile.Write(ref s_held, 0);
        // A region whose allocations outgrew it ended with a collection on its own (and EndNoGCRegion throws).
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return false;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        // Everything it allocated is young, and kept: one collection that marks it and promotes it where it lies, without
        // copying, before the first request (left to the first request's allocation, it was the same collection, later).
        GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);
        return true;
    }
}
