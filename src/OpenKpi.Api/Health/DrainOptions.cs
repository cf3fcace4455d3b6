namespace OpenKpi.Api.Health;

/// <summary>Section "Drain": how a replica leaves a load balancer's rotation when it is told to stop (SIGTERM).</summary>
public sealed class DrainOptions
{
    public const string Section = "Drain";

    /// <summary>
    /// Seconds /health/ready answers 503 while the server still takes requests, before it stops accepting: long enough for a
    /// load balancer or Kubernetes (which probes readiness every few seconds) to stop sending new ones.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 120)]
    public int ReadinessGraceSeconds { get; set; } = 5;

    /// <summary>Seconds the whole stop may take (the grace, then the answers in flight): HostOptions.ShutdownTimeout.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int ShutdownTimeoutSeconds { get; set; } = 25;
}
