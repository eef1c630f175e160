namespace NetworkTwin.Agent.Tests;

/// <summary>
/// Tests that read metric values from an agent's /metrics run alone: OpenTelemetry listens to meters by name
/// across the whole process, so an agent started by a test running beside them would show on their page too.
/// (In production one process runs one agent.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsReadAlone
{
    public const string Name = "metrics read by value";
}
