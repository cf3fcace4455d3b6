using System.Net;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Catalogue;

[Collection(KpiCollection.Name)]
public sealed class ServiceTests(KpiApplication app)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task HealthEndpointsAnswerHealthy(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheIndexNamesTheDatasetAndLinksEverything()
    {
        var index = await app.GetJson("/");

        Assert.Matches("^[0-9a-f]{12}$", (string)index["dataset"]!["version"]!);
        Assert.Equal(SeedFiles.TargetRows.Count, (int)index["dataset"]!["targets"]!);
        Assert.Equal(SeedFiles.CatalogueRows.Count, (int)index["dataset"]!["catalogueEntries"]!);
        foreach (var link in new[] { "serviceDocument", "metadata", "swaggerUi", "openApi" })
        {
            using var response = await app.CreateClient().GetAsync((string)index["links"]![link]!);
            Assert.True(response.IsSuccessStatusCode, $"{link} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task StartUpBuildsTheDatabaseFromSeedsWhenThereIsNone()
    {
        await using var fresh = new KpiApplication();
        Assert.False(File.Exists(fresh.DatabasePath));

        await fresh.GetJson("/");

        Assert.True(File.Exists(fresh.DatabasePath));
    }
}
