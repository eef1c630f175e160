using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Agent.Status;

/// <summary>
/// The agent's metrics as System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>), exported by
/// OpenTelemetry: counters are cumulative (the exporter names them <c>..._total</c>), amounts carry their base
/// unit in the name (seconds, bytes, bits per second), the publish-to-applied latency is a histogram. Most read the
/// status snapshot (at most a second old); every sample carries the site.
/// </summary>
internal sealed class AgentInstruments
{
    public const string MeterName = "NetworkTwin.Agent";

    /// <summary>Seconds from a stamped batch's publish to its rows being in the windows.</summary>
    public const string LatencyName = "networktwin_agent_ingest_latency_seconds";

    private readonly Meter _meter;
    private readonly IServiceProvider _services;
    private readonly KeyValuePair<string, object?> _site;
    private StatusFileWriter? _status;

    /// <remarks>
    /// The status writer is found when first read (it reads the MQTT ingest, which records into this); the meter comes
    /// from the host's <see cref="IMeterFactory"/> and goes with the host.
    /// </remarks>
    public AgentInstruments(IOptions<AgentOptions> options, IServiceProvider services, IMeterFactory meterFactory)
    {
        _services = services;
        _meter = meterFactory.Create(MeterName);
        _site = new("site", options.Value.Site);
        Latency = _meter.CreateHistogram<double>(LatencyName, null, "Publish-to-applied latency of stamped telemetry batches.", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
        });

        _meter.CreateObservableGauge("networktwin_agent_up", () => new Measurement<int>(Latest is null ? 0 : 1, _site), null, "1 once the agent has a status snapshot.");
        Counter("networktwin_agent_messages", "Telemetry messages received.", d => d.Ingest.Messages);
        Counter("networktwin_agent_rows", "Telemetry rows applied to the live windows.", d => d.Ingest.Rows);
        _meter.CreateObservableCounter("networktwin_agent_refused", Refused, null, "Input refused, by reason.");
        Gauge("networktwin_agent_broker_connected", "1 while connected to the MQTT broker.", d => d.Broker is { Connected: true } ? 1 : 0);
        Counter("networktwin_agent_broker_connects", "Connections made to the MQTT broker (more than one: it was lost and regained).", d => d.Broker?.Connects ?? 0);
        Counter("networktwin_agent_window_evaluations", "Window analyses run.", d => d.Window.Evaluations);
        Gauge("networktwin_agent_window_evaluation_seconds", "Duration of the last window analysis.", d => d.Window.LastEvaluationMs / 1000.0);
        Gauge("networktwin_agent_model_version", "Version of the prediction model in use (0: none).", d => d.Forecast?.ModelVersion ?? 0);
        Counter("networktwin_agent_forecasts", "Link load forecasts made.", d => d.Forecast?.Forecasts ?? 0);
        Counter("networktwin_agent_forecast_anomalies", "Windows whose load fell outside the previous forecast's 90% interval.", d => d.Forecast?.Anomalies ?? 0);
        Gauge("networktwin_agent_outbox_pending", "Results waiting for the coordinator's acknowledgement.", d => d.Outbox?.Pending ?? 0);
        Counter("networktwin_agent_outbox_dropped", "Results dropped because the outbox was full.", d => d.Outbox?.Dropped ?? 0);
        Gauge("networktwin_agent_outbox_last_sequence", "Highest sequence given to a result.", d => d.Outbox?.LastSequence ?? 0);
        Gauge("networktwin_agent_coordinator_connected", "1 while the sync link to the coordinator is up.", d => d.Coordinator is { Connected: true } ? 1 : 0);
        Gauge("networktwin_agent_sync_lag_results", "Results numbered but not yet acknowledged by the coordinator.", d => d.Coordinator is { } c ? Math.Max(0, (d.Outbox?.LastSequence ?? 0) - c.AcknowledgedThrough) : 0);
        PerLink("networktwin_agent_link_capacity_bits_per_second", "Smallest capacity meeting the loss target, per link.", l => l.CapacityGbps * 1e9);
        PerLink("networktwin_agent_link_mean_bits_per_second", "Mean load over the window, per link.", l => l.MeanGbps * 1e9);
        PerLink("networktwin_agent_link_target_bits_per_second", "Capacity target the actuator has in force, per link (absent: none known).", l => l.TargetGbps is { } t ? t * 1e9 : double.NaN);
    }

    /// <summary>Seconds from publish to applied, per stamped batch (recorded by the MQTT ingest).</summary>
    public Histogram<double> Latency { get; }

    public void RecordLatency(double seconds) => Latency.Record(seconds, _site);

    private AgentStatusDocument? Latest => (_status ??= _services.GetRequiredService<StatusFileWriter>()).Latest;

    private void Counter(string name, string description, Func<AgentStatusDocument, long> read) =>
        _meter.CreateObservableCounter(name, () => Latest is { } d ? [new Measurement<long>(read(d), _site)] : Array.Empty<Measurement<long>>(), null, description);

    private void Gauge(string name, string description, Func<AgentStatusDocument, double> read) =>
        _meter.CreateObservableGauge(name, () => Latest is { } d ? [new Measurement<double>(read(d), _site)] : Array.Empty<Measurement<double>>(), null, description);

    private void PerLink(string name, string description, Func<LinkStatus, double> read) =>
        _meter.CreateObservableGauge(name, () => (Latest?.Links ?? [])
            .Select(l => (Link: l, Value: read(l)))
            .Where(x => !double.IsNaN(x.Value))
            .Select(x => new Measurement<double>(x.Value, _site, new("link", x.Link.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToArray(), null, description);

    private IEnumerable<Measurement<long>> Refused()
    {
        if (Latest is not { } d)
        {
            return [];
        }

        return
        [
            new(d.Ingest.MalformedPayloads, _site, new("reason", "malformed_payload")),
            new(d.Ingest.MalformedLines, _site, new("reason", "malformed_line")),
            new(d.Ingest.RejectedTopics, _site, new("reason", "unknown_topic")),
            new(d.Ingest.LateRows, _site, new("reason", "late_row")),
        ];
    }
}
