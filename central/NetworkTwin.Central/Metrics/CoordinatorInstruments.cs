using System.Diagnostics.Metrics;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Topology;

namespace NetworkTwin.Central.Metrics;

/// <summary>
/// The coordinator's metrics as System.Diagnostics.Metrics instruments (meter <see cref="MeterName"/>), exported
/// by OpenTelemetry: the sync service's running counts (cumulative counters, named <c>..._total</c> by the exporter)
/// and what the repository says at collection time (agents, their liveness, pending commands, decisions by state).
/// A repository that does not answer makes <c>networktwin_central_repository_up</c> 0 and its gauges absent, never
/// a failed scrape.
/// </summary>
internal sealed class CoordinatorInstruments
{
    public const string MeterName = "NetworkTwin.Central";

    private readonly Meter _meter;
    private readonly CoordinatorRepository _repository;
    private readonly TimeProvider _time;
    private AgentsRead? _agents;

    /// <remarks>The meter comes from the host's <see cref="IMeterFactory"/> and goes with the host.</remarks>
    public CoordinatorInstruments(CoordinatorMetrics metrics, CoordinatorRepository repository, TopologyService topology, TimeProvider time, IMeterFactory meterFactory)
    {
        _repository = repository;
        _time = time;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableCounter("networktwin_central_registrations", () => metrics.Registrations, null, "Agent registrations.");
        _meter.CreateObservableCounter("networktwin_central_uplink_batches", () => metrics.Batches, null, "Result batches received.");
        _meter.CreateObservableCounter("networktwin_central_results_stored", () => metrics.ResultsStored, null, "Results stored (each (agent, sequence) once).");
        _meter.CreateObservableCounter(
            "networktwin_central_result_commits",
            () => repository.ResultCommits,
            null,
            "Transactions the result batches were committed in; under load several agents' batches share one (uplink batches over this: the mean group).");
        _meter.CreateObservableCounter("networktwin_central_results_duplicate", () => metrics.Duplicates, null, "Results resent after a lost acknowledgement and kept once.");
        _meter.CreateObservableCounter("networktwin_central_commands_acknowledged", () => metrics.CommandsAcknowledged, null, "Command outcomes received from agents.");
        _meter.CreateObservableCounter(
            "networktwin_central_throttled",
            () => Enum.GetValues<Limits.ThrottleKind>().Select(k => new Measurement<long>(metrics.ThrottledCount(k), new KeyValuePair<string, object?>("limit", k.ToString().ToLowerInvariant()))),
            null,
            "Times a limit of Coordinator:Limits acted: an agent's results slowed, an agent's call or stream refused, an operator's call refused.");
        _meter.CreateObservableGauge(
            "networktwin_central_round_last_seconds",
            () => metrics.Rounds.Select(r => new Measurement<double>(r.Value.Last, new KeyValuePair<string, object?>("loop", r.Key))),
            null,
            "How long the last round of each singleton loop (control, topology, training) took on this replica (absent: it did not hold the lease).");
        _meter.CreateObservableGauge(
            "networktwin_central_round_max_seconds",
            () => metrics.Rounds.Select(r => new Measurement<double>(r.Value.Max, new KeyValuePair<string, object?>("loop", r.Key))),
            null,
            "The longest round of each singleton loop on this replica since it started.");
        _meter.CreateObservableCounter(
            "networktwin_central_rounds",
            () => metrics.Rounds.Select(r => new Measurement<long>(r.Value.Count, new KeyValuePair<string, object?>("loop", r.Key))),
            null,
            "Rounds of each singleton loop run on this replica.");
        _meter.CreateObservableUpDownCounter("networktwin_central_uplinks_open", () => metrics.UplinksOpen, null, "Agents streaming results now.");
        _meter.CreateObservableUpDownCounter("networktwin_central_downlinks_open", () => metrics.DownlinksOpen, null, "Agents listening for commands now.");
        _meter.CreateObservableGauge(
            "networktwin_central_last_result_age_seconds",
            () => metrics.LastStoredUnixMs == 0 ? [] : new[] { new Measurement<double>((time.GetUtcNow().ToUnixTimeMilliseconds() - metrics.LastStoredUnixMs) / 1000.0) },
            null,
            "Seconds since a result was last stored (absent: none yet).");
        _meter.CreateObservableGauge("networktwin_central_repository_up", () => RepositoryHealthCheckUp(), null, "1 while the repository answers.");
        _meter.CreateObservableGauge("networktwin_central_agents", () => Query(() => new[] { new Measurement<long>(Agents().Count) }), null, "Agents registered.");
        _meter.CreateObservableGauge("networktwin_central_commands_pending", () => Query(() => new[] { new Measurement<long>(repository.Commands.PendingCount()) }), null, "Commands not yet acknowledged by their agent.");
        _meter.CreateObservableGauge("networktwin_central_topology_version", () => new Measurement<long>(topology.Current().Version), null, "Version of the stored link map (0: none).");
        _meter.CreateObservableGauge(
            "networktwin_central_agent_last_seen_age_seconds",
            () => Query(() =>
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                return Agents().Select(a => new Measurement<double>((now - a.LastSeenUnixMs) / 1000.0, new("agent", a.AgentId), new("site", a.Site))).ToArray();
            }),
            null,
            "Seconds since each agent was last heard from.");
        _meter.CreateObservableGauge(
            "networktwin_central_agent_stored_through",
            () => Query(() => Agents().Select(a => new Measurement<long>(a.StoredThrough, new("agent", a.AgentId), new("site", a.Site))).ToArray()),
            null,
            "Highest sequence stored per agent.");
        _meter.CreateObservableGauge(
            "networktwin_central_decisions",
            () => Query(() =>
            {
                var counts = repository.Decisions.Counts();
                return Control.DecisionState.All.Select(state => new Measurement<long>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state))).ToArray();
            }),
            null,
            "Control decisions by state (held ones wait for an operator).");
    }

    /// <summary>
    /// The agents as one collection reads them: three instruments describe them, and one read of the table a second
    /// serves all three (an estate of thousands of agents would otherwise be read three times per scrape).
    /// </summary>
    private IReadOnlyList<Contracts.Operators.AgentSummary> Agents()
    {
        var now = _time.GetTimestamp();
        if (Volatile.Read(ref _agents) is { } last && _time.GetElapsedTime(last.ReadAt, now) < TimeSpan.FromSeconds(1))
        {
            return last.Agents;
        }

        var agents = _repository.Agents.List();
        Volatile.Write(ref _agents, new AgentsRead(now, agents));
        return agents;
    }

    private sealed record AgentsRead(long ReadAt, IReadOnlyList<Contracts.Operators.AgentSummary> Agents);

    private int RepositoryHealthCheckUp() => Service.RepositoryHealthCheck.Problem(_repository) is null ? 1 : 0;

    private static T[] Query<T>(Func<T[]> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return [];
        }
    }
}
