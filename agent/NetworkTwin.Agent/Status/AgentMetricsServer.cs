using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Hosting.Metrics;

namespace NetworkTwin.Agent.Status;

/// <summary>
/// The agent's /metrics, /healthz and /readyz (ready: the status is fresh and the telemetry source
/// is connected) on Agent:Metrics. The figures are those of the status file, at most a second old.
/// </summary>
internal sealed class AgentMetricsServer(IOptions<AgentOptions> options, StatusFileWriter status, IServiceProvider services, ILogger<AgentMetricsServer> logger)
    : MetricsServer(options.Value.Metrics.Address, options.Value.Metrics.Port, services, logger)
{
    protected override string Render() => Render(status.Latest, options.Value);

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

    internal static string Render(AgentStatusDocument? d, AgentOptions options)
    {
        var text = new PrometheusText();
        var site = ("site", options.Site);
        if (d is null)
        {
            return text.Gauge("networktwin_agent_up", "1 once the agent has a status snapshot.", 0, site).ToString();
        }

        text.Gauge("networktwin_agent_up", "1 once the agent has a status snapshot.", 1, site)
            .Counter("networktwin_agent_messages_total", "Telemetry messages received.", d.Ingest.Messages, site)
            .Counter("networktwin_agent_rows_total", "Telemetry rows applied to the live windows.", d.Ingest.Rows, site)
            .Counter("networktwin_agent_refused_total", "Input refused, by reason.", d.Ingest.MalformedPayloads, site, ("reason", "malformed_payload"))
            .Counter("networktwin_agent_refused_total", "Input refused, by reason.", d.Ingest.MalformedLines, site, ("reason", "malformed_line"))
            .Counter("networktwin_agent_refused_total", "Input refused, by reason.", d.Ingest.RejectedTopics, site, ("reason", "unknown_topic"))
            .Counter("networktwin_agent_refused_total", "Input refused, by reason.", d.Ingest.LateRows, site, ("reason", "late_row"))
            .Gauge("networktwin_agent_rows_per_second", "Rows applied per second over the last second.", d.Ingest.RowsPerSecond, site)
            .Gauge("networktwin_agent_broker_connected", "1 while connected to the MQTT broker.", d.Broker is { Connected: true } ? 1 : 0, site)
            .Gauge("networktwin_agent_ingest_latency_ms", "Publish-to-applied latency of stamped batches.", d.Latency.P50Ms, site, ("quantile", "0.5"))
            .Gauge("networktwin_agent_ingest_latency_ms", "Publish-to-applied latency of stamped batches.", d.Latency.P99Ms, site, ("quantile", "0.99"))
            .Counter("networktwin_agent_window_evaluations_total", "Window analyses run.", d.Window.Evaluations, site)
            .Gauge("networktwin_agent_window_evaluation_ms", "Duration of the last window analysis.", d.Window.LastEvaluationMs, site)
            .Gauge("networktwin_agent_model_version", "Version of the prediction model in use (0: none).", d.Forecast?.ModelVersion ?? 0, site)
            .Counter("networktwin_agent_forecasts_total", "Link load forecasts made.", d.Forecast?.Forecasts ?? 0, site)
            .Counter("networktwin_agent_forecast_anomalies_total", "Windows whose load fell outside the previous forecast's 90% interval.", d.Forecast?.Anomalies ?? 0, site)
            .Gauge("networktwin_agent_resident_bytes", "Resident memory of the agent process.", d.ResidentBytes, site);
        foreach (var link in d.Links)
        {
            var id = ("link", link.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            text.Gauge("networktwin_agent_link_capacity_gbps", "Smallest capacity meeting the loss target, per link.", link.CapacityGbps, site, id)
                .Gauge("networktwin_agent_link_mean_gbps", "Mean load over the window, per link.", link.MeanGbps, site, id)
                .Gauge("networktwin_agent_link_target_gbps", "Capacity target the actuator has in force, per link (NaN: none known).", link.TargetGbps ?? double.NaN, site, id);
        }

        if (d.Outbox is { } o)
        {
            text.Gauge("networktwin_agent_outbox_pending", "Results waiting for the coordinator's acknowledgement.", o.Pending, site)
                .Counter("networktwin_agent_outbox_dropped_total", "Results dropped because the outbox was full.", o.Dropped, site)
                .Gauge("networktwin_agent_outbox_last_sequence", "Highest sequence given to a result.", o.LastSequence, site);
        }

        if (d.Coordinator is { } c)
        {
            text.Gauge("networktwin_agent_coordinator_connected", "1 while the sync link to the coordinator is up.", c.Connected ? 1 : 0, site)
                .Gauge("networktwin_agent_sync_lag_results", "Results numbered but not yet acknowledged by the coordinator.", Math.Max(0, (d.Outbox?.LastSequence ?? 0) - c.AcknowledgedThrough), site);
        }

        return text.ToString();
    }
}
