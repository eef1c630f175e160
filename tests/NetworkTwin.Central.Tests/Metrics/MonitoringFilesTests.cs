using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Central.Service;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Metrics;

/// <summary>
/// The Grafana dashboard and the Prometheus alert rules shipped under packaging/monitoring: valid, accepted by
/// promtool, and every metric they name is one the agent or the coordinator exports.
/// </summary>
public sealed partial class MonitoringFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-monitoring-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Folder() => Path.Combine(SourceTree.Root() ?? throw new InvalidOperationException("no source tree"), "packaging", "monitoring");

    [Fact]
    public async Task AlertRules_PassPromtool()
    {
        var info = new ProcessStartInfo("promtool", ["check", "rules", Path.Combine(Folder(), "networktwin-alerts.yml")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(info)!;
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();

        Assert.True(promtool.ExitCode == 0, output);
        Assert.Contains("SUCCESS: 9 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DashboardAndRules_NameOnlyMetricsTheServicesExport()
    {
        var exported = await ExportedNamesAsync();
        using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder(), "networktwin-dashboard.json")));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .Concat(ExpressionLine().Matches(await File.ReadAllTextAsync(Path.Combine(Folder(), "networktwin-alerts.yml"))).Select(m => m.Groups[1].Value))
            .ToList();
        var named = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
        var missing = named.Where(n => !exported.Contains(n)).ToList();

        Assert.True(expressions.Count >= 18, $"{expressions.Count} expressions");
        Assert.True(missing.Count == 0, "named but not exported: " + string.Join(", ", missing));
        Assert.Contains("networktwin_agent_link_target_bits_per_second", named);
        Assert.Contains("networktwin_central_decisions", named);
    }

    /// <summary>
    /// Every family on both services' /metrics pages, plus every instrument of the product's meters as the exporter
    /// names it (a per-link gauge has no sample before the agent has links, but it is exported as soon as it has).
    /// </summary>
    private async Task<HashSet<string>> ExportedNamesAsync()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name.StartsWith("NetworkTwin.", StringComparison.Ordinal))
                {
                    lock (names)
                    {
                        foreach (var n in PrometheusNames(instrument))
                        {
                            names.Add(n);
                        }
                    }
                }
            },
        };
        listener.Start();

        var (port, web, agentWeb) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        await using var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = web.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
            ["Coordinator:Logging:ConsoleLevel"] = "None",
        }));
        await coordinator.StartAsync();
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "mon",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Metrics:Port"] = agentWeb.ToString(CultureInfo.InvariantCulture),
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        await agent.StartAsync();
        using var http = new HttpClient();
        var pages = await Poll.UntilAsync(
            async () => (await http.GetStringAsync(new Uri($"http://127.0.0.1:{web}/metrics"))) + await http.GetStringAsync(new Uri($"http://127.0.0.1:{agentWeb}/metrics")),
            p => p.Contains("networktwin_agent_up", StringComparison.Ordinal) && p.Contains("networktwin_central_agents", StringComparison.Ordinal),
            "both services' metrics pages",
            seconds: 30);
        await agent.StopAsync();
        await coordinator.StopAsync();

        foreach (Match type in TypeLine().Matches(pages))
        {
            names.Add(type.Groups[1].Value);
            if (type.Groups[2].Value == "histogram")
            {
                names.UnionWith([type.Groups[1].Value + "_bucket", type.Groups[1].Value + "_sum", type.Groups[1].Value + "_count"]);
            }
        }

        return names;
    }

    private static IEnumerable<string> PrometheusNames(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
        {
            return [name + "_total"];
        }

        return type == typeof(Histogram<>) ? [name + "_bucket", name + "_sum", name + "_count"] : [name];
    }

    [GeneratedRegex(@"^\s*expr:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpressionLine();

    [GeneratedRegex(@"\b(?:networktwin|process|dotnet)_[a-z_]+\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
