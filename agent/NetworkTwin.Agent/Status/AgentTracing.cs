using System.Diagnostics;

namespace NetworkTwin.Agent.Status;

/// <summary>
/// The agent's spans: each uplink batch it sends (the start of the trace the coordinator continues when it stores
/// the batch, decides on it and sends a command) and each command it applies. Recorded only when traces are
/// exported (<c>Telemetry:OtlpEndpoint</c>).
/// </summary>
internal static class AgentTracing
{
    public const string SourceName = "NetworkTwin.Agent";

    public static readonly ActivitySource Source = new(SourceName, typeof(AgentTracing).Assembly.GetName().Version?.ToString());
}
