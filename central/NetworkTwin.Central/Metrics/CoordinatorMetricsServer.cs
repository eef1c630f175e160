using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Hosting;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Topology;
using NetworkTwin.Hosting.Metrics;

namespace NetworkTwin.Central.Metrics;

/// <summary>
/// The coordinator's operator web port (Coordinator:Metrics, loopback by default, apart from the
/// agents' gRPC port): /metrics, /healthz, /readyz (ready: the repository answers), and the
/// dashboard at / with the document it polls at /api/overview.
/// </summary>
internal sealed class CoordinatorMetricsServer(
    CoordinatorSettings settings,
    CoordinatorMetrics metrics,
    CoordinatorRepository repository,
    TopologyService topology,
    IServiceProvider services,
    ILogger<CoordinatorMetricsServer> logger)
    : MetricsServer(settings.MetricsAddress, settings.MetricsPort, services, logger)
{
    protected override string Render()
    {
        var text = new PrometheusText()
            .Counter("networktwin_central_registrations_total", "Agent registrations.", metrics.Registrations)
            .Counter("networktwin_central_uplink_batches_total", "Result batches received.", metrics.Batches)
            .Counter("networktwin_central_results_stored_total", "Results stored (each (agent, sequence) once).", metrics.ResultsStored)
            .Counter("networktwin_central_results_duplicate_total", "Results resent after a lost acknowledgement and kept once.", metrics.Duplicates)
            .Gauge("networktwin_central_uplinks_open", "Agents streaming results now.", metrics.UplinksOpen)
            .Gauge("networktwin_central_downlinks_open", "Agents listening for commands now.", metrics.DownlinksOpen)
            .Counter("networktwin_central_commands_acknowledged_total", "Command outcomes received from agents.", metrics.CommandsAcknowledged)
            .Gauge(
                "networktwin_central_seconds_since_last_result",
                "Seconds since a result was last stored (NaN: none yet).",
                metrics.LastStoredUnixMs == 0 ? double.NaN : (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - metrics.LastStoredUnixMs) / 1000.0);
        try
        {
            var agents = repository.Agents();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            text.Gauge("networktwin_central_agents", "Agents registered.", agents.Count)
                .Gauge("networktwin_central_commands_pending", "Commands not yet acknowledged by their agent.", repository.PendingCommandCount())
                .Gauge("networktwin_central_topology_version", "Version of the stored link map (0: none).", topology.Current().Version);
            foreach (var a in agents)
            {
                text.Gauge("networktwin_central_agent_last_seen_seconds", "Seconds since each agent was last heard from.", (now - a.LastSeenUnixMs) / 1000.0, ("agent", a.AgentId), ("site", a.Site))
                    .Gauge("networktwin_central_agent_stored_through", "Highest sequence stored per agent.", a.StoredThrough, ("agent", a.AgentId), ("site", a.Site));
            }

            text.Gauge("networktwin_central_repository_up", "1 while the repository answers.", 1);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            text.Gauge("networktwin_central_repository_up", "1 while the repository answers.", 0);
        }

        return text.ToString();
    }

    protected override void MapMore(WebApplication app)
    {
        var page = Dashboard.DashboardPage.Html;
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/api/overview", () => Results.Json(Dashboard.DashboardApi.Build(repository, topology)));
    }

    protected override string? NotReady()
    {
        try
        {
            _ = repository.SchemaVersion;
            return null;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return $"the repository ({repository.Description}) does not answer: {ex.Message}";
        }
    }
}
