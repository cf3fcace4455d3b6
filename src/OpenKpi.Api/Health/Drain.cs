using Microsoft.Extensions.Options;

namespace OpenKpi.Api.Health;

/// <summary>
/// A graceful stop, so that a rolling update drops no request: told to stop, the replica first reports not ready (while still
/// answering) for <see cref="DrainOptions.ReadinessGraceSeconds"/>; then the host stops the server, which takes no new
/// connection and lets the answers in flight finish, all within <see cref="DrainOptions.ShutdownTimeoutSeconds"/>.
/// </summary>
public sealed class Drain(IOptions<DrainOptions> options, ILogger<Drain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    /// <summary>True once the replica has been told to stop.</summary>
    public bool Draining => _draining;

    // Runs before the hosted services stop, the web server among them: it still answers while readiness fails.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var grace = TimeSpan.FromSeconds(options.Value.ReadinessGraceSeconds);
        logger.LogInformation("Stopping: /health/ready answers 503 for {Grace} s while requests are still answered, then the server stops", grace.TotalSeconds);
        try { await Task.Delay(grace, cancellationToken); }
        catch (OperationCanceledException) { }   // the shutdown timeout came first
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
