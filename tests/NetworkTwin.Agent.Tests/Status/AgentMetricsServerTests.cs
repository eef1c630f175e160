using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Agent.Tests.Status;

/// <summary>The agent's /metrics (OpenTelemetry's Prometheus exporter, checked by promtool), /healthz and /readyz over real HTTP on loopback.</summary>
[Collection(MetricsReadAlone.Name)]
public sealed partial class AgentMetricsServerTests : IDisposable
{
    private static readonly System.Text.RegularExpressions.Regex RowsTwo = RowsTwoPattern();

    private readonly string _dir = Directory.CreateTempSubdirectory("nt-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Endpoints_ServePrometheusTextAndHealth()
    {
        var port = LoopbackPort.Free();
        await File.WriteAllTextAsync(Path.Combine(_dir, "pkt-stats-cell-3.dat"), "100.0000 10 9 0\n100.0005 10 10 0\n");
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "metrics-site",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        await agent.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var clock = Stopwatch.StartNew();
        string metrics;
        do
        {
            await Task.Delay(200);
            metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        }
        while (!RowsTwo.IsMatch(metrics) && clock.Elapsed.TotalSeconds < 20);

        var health = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var contentType = (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).Content.Headers.ContentType?.ToString();
        await agent.StopAsync();

        var complaints = await Promtool.CheckMetricsAsync(metrics);

        Assert.Contains("# TYPE networktwin_agent_rows_total counter", metrics, StringComparison.Ordinal);
        Assert.Matches(RowsTwo, metrics);
        Assert.Matches("networktwin_agent_outbox_pending\\{[^}]*site=\"metrics-site\"", metrics);
        Assert.Contains("# TYPE networktwin_log_events_dropped_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE process_cpu_time_seconds_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", metrics, StringComparison.Ordinal);
        Assert.True(complaints.Count == 0, "promtool check metrics: " + string.Join("; ", complaints));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", contentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortTaken_TheAgentRunsOnWithoutItsMetricsAndSaysWhy()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Path.Combine(_dir, "agent");
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:DataDirectory"] = data,
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));

        await agent.StartAsync();
        await agent.StopAsync();

        var log = string.Concat(Directory.GetFiles(Path.Combine(data, "logs")).Select(File.ReadAllText));
        Assert.Contains($"Cannot serve metrics on 127.0.0.1:{port}", log, StringComparison.Ordinal);
        Assert.Contains("The service runs on without /metrics", log, StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex("networktwin_agent_rows_total\\{[^}]*site=\"metrics-site\"[^}]*\\} 2( |\n)")]
    private static partial System.Text.RegularExpressions.Regex RowsTwoPattern();
}
