using System.Reflection;
using System.Text.Json.Nodes;
using OpenKpi.Api.Tests.Infrastructure;

namespace OpenKpi.Api.Tests.Http;

/// <summary>Every options class of the API is listed in appsettings.json with its defaults, and a wrong value stops start-up.</summary>
public sealed class OptionsTests
{
    // The API's options: each class with a Section constant.
    public static TheoryData<Type> OptionsClasses() => new(typeof(Program).Assembly.GetTypes()
        .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true }));

    [Theory]
    [MemberData(nameof(OptionsClasses))]
    public void AppsettingsListsEveryOptionWithItsDefault(Type options)
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "OpenKpi.Api", "appsettings.json")))!;
        var section = settings[(string)options.GetField("Section")!.GetValue(null)!] as JsonObject;
        var defaults = Activator.CreateInstance(options)!;

        Assert.NotNull(section);
        foreach (var property in options.GetProperties().Where(p => p.CanWrite))
        {
            Assert.True(section.ContainsKey(property.Name), $"{options.Name}.{property.Name} is not in appsettings.json");
            var listed = section[property.Name];
            var value = property.GetValue(defaults);
            // Defaults computed from the machine (permits per core) are listed with the value deployments run with.
            if (value is int && property.Name.EndsWith("Permits", StringComparison.Ordinal)) continue;
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(value ?? ""), listed?.ToJsonString() ?? "\"\"");
        }
    }

    [Theory]
    [InlineData("RateLimiting:PermitLimit", "0")]
    [InlineData("ResponseCache:SizeLimitMegabytes", "-1")]
    [InlineData("ForwardedHeaders:KnownProxies:0", "not-an-address")]
    [InlineData("Concurrency:QueryPermits", "0")]
    public void AWrongSettingStopsStartUpNamingIt(string key, string value)
    {
        using var app = new KpiApplication { Settings = { [key] = value } };

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(key.Split(':')[0] is "RateLimiting" or "ResponseCache" ? key.Split(':')[1] : key.Split(':')[0], error.ToString());
    }
}
