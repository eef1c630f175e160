using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Central.Topology;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Metrics;

/// <summary>
/// The coordinator's operator web port (Coordinator:Metrics, loopback by default, apart from the
/// agents' gRPC port): /metrics (<see cref="CoordinatorInstruments"/> and the runtime's, through OpenTelemetry),
/// /healthz, /readyz (ready: the repository answers), and the
/// dashboard at / with the document it polls at /api/overview, the design twin's page at /design (its document at
/// /api/design), and the approve/reject buttons
/// (POST /api/decisions/{id}, JSON only, so another web page cannot post it from a browser). With operator
/// tokens configured, the document needs a token of either role and a verdict the operator role; the token's
/// name is recorded, as over gRPC.
/// </summary>
internal sealed class CoordinatorMetricsServer(
    CoordinatorSettings settings,
    CoordinatorRepository repository,
    TopologyService topology,
    Control.ControlLoop control,
    [FromKeyedServices(Operators.OperatorAuthInterceptor.Tokens)] Sync.AgentAuthenticator operators,
    Operators.OperatorRoles roles,
    IServiceProvider services,
    ILogger<CoordinatorMetricsServer> logger)
    : MetricsServer(settings.MetricsAddress, settings.MetricsPort, services, logger)
{
    protected override void MapMore(WebApplication app)
    {
        var page = Dashboard.DashboardPage.Html;
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/api/overview", (HttpRequest request, int? minutes) =>
        {
            if (operators.Enabled && Caller(request) is null)
            {
                return Results.Problem("an operator token is missing or not valid (enter it on the page)", statusCode: StatusCodes.Status401Unauthorized);
            }

            var range = minutes ?? Dashboard.DashboardApi.RangeMinutes[0];
            return Dashboard.DashboardApi.RangeMinutes.Contains(range)
                ? Results.Json(Dashboard.DashboardApi.Build(repository, topology, range))
                : Results.Problem($"minutes must be one of {string.Join(", ", Dashboard.DashboardApi.RangeMinutes)} (got {range})", statusCode: StatusCodes.Status400BadRequest);
        });
        var script = Dashboard.DashboardPage.Script;
        app.MapGet("/common.js", () => Results.Content(script, "text/javascript; charset=utf-8"));
        var designPage = Dashboard.DashboardPage.DesignHtml;
        app.MapGet("/design", () => Results.Content(designPage, "text/html; charset=utf-8"));
        app.MapGet("/api/design", (HttpRequest request, int? days) =>
        {
            if (operators.Enabled && Caller(request) is null)
            {
                return Results.Problem("an operator token is missing or not valid (enter it on the page)", statusCode: StatusCodes.Status401Unauthorized);
            }

            var range = days ?? Dashboard.DesignDashboardApi.RangeDays[1];
            return Dashboard.DesignDashboardApi.RangeDays.Contains(range)
                ? Results.Json(Dashboard.DesignDashboardApi.Build(repository, range))
                : Results.Problem($"days must be one of {string.Join(", ", Dashboard.DesignDashboardApi.RangeDays)} (got {range})", statusCode: StatusCodes.Status400BadRequest);
        });
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

            var who = operators.Enabled ? Caller(request) : verdict?.Operator;
            if (operators.Enabled && who is null)
            {
                return Results.Problem("an operator token is missing or not valid", statusCode: StatusCodes.Status401Unauthorized);
            }

            if (operators.Enabled && !roles.MayChange(who!))
            {
                return Results.Problem($"operator '{who}' may only read (Coordinator:OperatorRoles:{who} is viewer)", statusCode: StatusCodes.Status403Forbidden);
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

    /// <summary>The operator whose token the request carries, or null.</summary>
    private string? Caller(HttpRequest request) => operators.NameOf(Sync.AgentAuthenticator.PresentedToken(request.Headers.Authorization.ToString()));

    protected override string? NotReady() => RepositoryHealthCheck.Problem(repository);
}
