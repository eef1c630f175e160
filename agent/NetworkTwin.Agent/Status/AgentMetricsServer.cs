using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Agent.Status;

/// <summary>
/// The agent's /metrics, /healthz and /readyz (ready: the status is fresh and the telemetry source
/// is connected) on Agent:Metrics; the metrics are <see cref="AgentInstruments"/> and the runtime's, through OpenTelemetry.
/// </summary>
internal sealed class AgentMetricsServer(IOptions<AgentOptions> options, StatusFileWriter status, IServiceProvider services, ILogger<AgentMetricsServer> logger)
    : MetricsServer(options.Value.Metrics.Address, options.Value.Metrics.Port, services, logger)
{
    protected override string? NotReady() => NotReady(status.Latest, options.Value);

    internal static string? NotReady(AgentStatusDocument? document, AgentOptions options)
    {
        if (document is null || DateTimeOffset.UtcNow - document.UpdatedAt > TimeSpan.FromSeconds(5))
        {
            return "no fresh status (starting, or the status writer is stuck)";
        }

        if (options.Ingest.MqttEnabled && document.Broker is not { Connected: true })
        {
            return "not connected to the MQTT broker";
        }

        return null;
    }
}
