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
/// dashboard at / with the document it polls at /api/overview, and its approve/reject buttons
/// (POST /api/decisions/{id}, JSON only, so another web page cannot post it from a browser; with
/// operator tokens configured, the token's name is recorded, as over gRPC).
/// </summary>
internal sealed class CoordinatorMetricsServer(
    CoordinatorSettings settings,
    CoordinatorMetrics metrics,
    CoordinatorRepository repository,
    TopologyService topology,
    Control.ControlLoop control,
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

            var decisions = repository.DecisionCounts();
            foreach (var state in Control.DecisionState.All)
            {
                text.Gauge("networktwin_central_decisions", "Control decisions by state (held ones wait for an operator).", decisions.GetValueOrDefault(state), ("state", state));
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
        var operators = new Sync.AgentAuthenticator(settings.OperatorTokens, logger);
        app.MapPost("/api/decisions/{id:long}", async (long id, HttpRequest request, CancellationToken ct) =>
        {
            if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            {
                return Results.Problem("send the verdict as application/json", statusCode: StatusCodes.Status415UnsupportedMediaType);
            }

            Dashboard.DashboardApi.Verdict? verdict;
            try
            {
                verdict = await request.ReadFromJsonAsync<Dashboard.DashboardApi.Verdict>(ct).ConfigureAwait(false);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return Results.Problem($"the verdict is not valid JSON: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
            }

            var who = operators.Enabled ? operators.NameOf(Sync.AgentAuthenticator.PresentedToken(request.Headers.Authorization.ToString())) : verdict?.Operator;
            if (operators.Enabled && who is null)
            {
                return Results.Problem("an operator token is missing or not valid", statusCode: StatusCodes.Status401Unauthorized);
            }

            if (verdict is null || (verdict.Note?.Length ?? 0) > 1000 || (who?.Length ?? 0) > 64)
            {
                return Results.Problem("expected {\"approve\": true|false, \"operator\": \"name\" (at most 64), \"note\": \"why\" (at most 1000)}", statusCode: StatusCodes.Status400BadRequest);
            }

            try
            {
                var decision = await control.DecideAsync(id, verdict.Approve, string.IsNullOrWhiteSpace(who) ? "dashboard" : who, verdict.Note ?? string.Empty, ct).ConfigureAwait(false);
                return Results.Json(new { decision.DecisionId, decision.State });
            }
            catch (Grpc.Core.RpcException ex)
            {
                return Results.Problem(ex.Status.Detail, statusCode: ex.StatusCode == Grpc.Core.StatusCode.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
            }
        });
    }

    protected override string? NotReady() => RepositoryHealthCheck.Problem(repository);
}
