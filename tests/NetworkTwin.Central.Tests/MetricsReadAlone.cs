namespace NetworkTwin.Central.Tests;

/// <summary>
/// Tests that read metric values from a coordinator's /metrics run alone: OpenTelemetry listens to meters by name
/// across the whole process, so a coordinator started by a test running beside them would show on their page too.
/// (In production one process runs one coordinator.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsReadAlone
{
    public const string Name = "metrics read by value";
}
