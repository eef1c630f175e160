using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace NetworkTwin.Central.Metrics;

/// <summary>
/// The coordinator's spans: storing an agent's batch (under the agent's span for it), a control decision (under the
/// storage of the result it was made from) and the command that carries it out (under the decision, even when an
/// operator approves it later). Recorded only when traces are exported (<c>Telemetry:OtlpEndpoint</c>).
/// </summary>
internal static class CoordinatorTracing
{
    public const string SourceName = "NetworkTwin.Coordinator";

    public static readonly ActivitySource Source = new(SourceName, typeof(CoordinatorTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Scrapes and probes, which would otherwise be a span every few seconds each and drown the traces that matter.</summary>
    public static bool IsScrape(PathString path) => path == "/metrics" || path == "/healthz" || path == "/readyz" || path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal);
}
