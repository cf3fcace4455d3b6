using System.Runtime;
using OpenKpi.Api.Catalogue;
using OpenKpi.Api.Tests.Limits;

namespace OpenKpi.Api.Tests.Catalogue;

/// <summary>
/// The start-up's region without collections (<see cref="NoCollections"/>) is process-wide: it ends whatever happened in it,
/// never throws, and never leaves the process in it. Serial: another test's host loading its catalogue would hold the region.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NoCollectionsTests : IDisposable
{
    private readonly string _image = Path.Combine(Path.GetTempPath(), $"openkpi-image-{Guid.NewGuid():N}");

    public NoCollectionsTests() => File.WriteAllBytes(_image, new byte[4 << 20]);

    [Fact]
    public void ARegionThatHeldIsEndedAndSaysSo()
    {
        var region = NoCollections.For(_image);
        var kept = new byte[1 << 20];
        var collections = GC.CollectionCount(0);

        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.True(region.End());
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.True(GC.CollectionCount(0) > collections, "the collection after the region promotes what it allocated");
        Assert.True(region.AllocatedBytes >= kept.Length);
    }

    [Fact]
    public void ASecondRegionWhileOneIsHeldIsNotStartedAndEndsNothing()
    {
        // The runtime ends a held region when another is asked for: the second must not ask.
        var first = NoCollections.For(_image);
        var second = NoCollections.For(_image);

        Assert.False(second.End());
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);   // the first one's, still held
        Assert.True(first.End());
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void ARegionItsAllocationsOutgrewEndsWithoutThrowing()
    {
        var region = NoCollections.For(_image);
        // Far more than the region set aside for a 4 MB image: the runtime collects, which ends the region.
        var garbage = new List<byte[]>();
        for (var i = 0; i < 200 && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion; i++) garbage.Add(new byte[256 * 1024]);

        Assert.False(region.End());
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }

    [Fact]
    public void WithoutAnImageThereIsNoRegion()
    {
        var region = NoCollections.For(_image + ".missing");

        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        Assert.False(region.End());
    }

    public void Dispose()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();   // a failed assertion must not leave the region to the other tests
        File.Delete(_image);
    }
}
