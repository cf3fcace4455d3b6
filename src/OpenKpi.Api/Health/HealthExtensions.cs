using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenKpi.Domain.Catalogue;

namespace OpenKpi.Api.Health;

public static class HealthExtensions
{
    public static IServiceCollection AddKpiHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<CatalogueLoadedCheck>("catalogue", tags: ["ready"])
            .AddCheck<NotDrainingCheck>("not-draining", tags: ["ready"]);
        services.AddOptions<DrainOptions>().BindConfiguration(DrainOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<Microsoft.Extensions.Options.IOptions<DrainOptions>>((host, drain) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(drain.Value.ShutdownTimeoutSeconds));
        services.AddSingleton<Drain>();
        services.AddHostedService(sp => sp.GetRequiredService<Drain>());
        return services;
    }

    /// <summary>/health/live: the process answers. /health/ready: the catalogue is loaded and can be queried.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    private sealed class NotDrainingCheck(Drain drain) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(drain.Draining ? HealthCheckResult.Unhealthy("stopping: finishing the answers in flight") : HealthCheckResult.Healthy());
    }

    private sealed class CatalogueLoadedCheck(CatalogueSnapshot catalogue) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(catalogue.Indicators.Count > 0
                ? HealthCheckResult.Healthy($"dataset {catalogue.Dataset.Version}")
                : HealthCheckResult.Unhealthy("the catalogue holds no indicators"));
    }
}
