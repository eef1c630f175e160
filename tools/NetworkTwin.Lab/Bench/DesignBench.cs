using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Topology;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench design</c>: every single link failure of a network with components and
/// all-pairs hop counts, timed, next to networkx doing the same on a sample of the failures in
/// the same run; both answers are compared number by number first.
/// </summary>
public static class DesignBench
{
    public static Command Create(IAnsiConsole console)
    {
        var network = new Option<FileInfo>("--network") { Description = "GraphML network (e.g. ../shared/data/topology_zoo/graphml/Kdl.graphml).", Required = true };
        var sample = new Option<int>("--networkx-sample") { Description = "Failures networkx runs (it needs ~0.3 s each on Kdl).", DefaultValueFactory = _ => 20 };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of the product (median reported).", DefaultValueFactory = _ => 5 };
        var command = new Command("design", "Single link failures (components + all-pairs hops) against networkx.") { network, sample, repeat };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(network).FullName;
            var net = NetworkFiles.Load(path).Network;
            var runs = Math.Clamp(parse.GetValue(repeat), 1, 50);
            FailureSimulatorRun(net);
            var times = Enumerable.Range(0, runs).Select(_ => FailureSimulatorRun(net)).Order().ToList();
            var median = times[times.Count / 2];

            var (nxSeconds, nxFailures, mismatches) = await NetworkxAsync(console, net, path, Math.Clamp(parse.GetValue(sample), 1, 10_000), ct).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("figure", "value", "target");
            table.AddRow(Invariant($"{net.Name}: all {net.LinkCount} single link failures, components + all-pairs hops"), Invariant($"{median:0.000} s median, {times[0]:0.000} s best ({runs} runs, {Environment.ProcessorCount} cores)"), "< 1 s");
            if (nxFailures > 0)
            {
                var perFailure = nxSeconds / nxFailures;
                table.AddRow(Invariant($"networkx {NetworkxVersion()}, same work, {nxFailures} sampled failures"), Invariant($"{perFailure:0.000} s per failure, {perFailure * net.LinkCount:0.0} s for all {net.LinkCount} (extrapolated)"), "-");
                table.AddRow("speed-up", Invariant($"{perFailure * net.LinkCount / median:N0}x"), ">= 100x");
                table.AddRow("answers compared (components, pairs, total hops)", mismatches == 0 ? Invariant($"all {nxFailures} identical") : Invariant($"[red]{mismatches} differ[/]"), "identical");
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static double FailureSimulatorRun(Network network) => Analytics.Resilience.FailureSimulator.SingleLinkHopsOnly(network).Seconds;

    private static async Task<(double Seconds, int Failures, int Mismatches)> NetworkxAsync(IAnsiConsole console, Network network, string path, int sample, CancellationToken ct)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Bench", "networkx_failures.py");
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python, [script, path, sample.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start python3");
        var output = await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
        var error = await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            console.MarkupLine($"[yellow]networkx comparison skipped:[/] {Markup.Escape(error.Trim().Split('\n')[^1])} (Debian: apt-get install python3-networkx)");
            return (0, 0, 0);
        }

        // Recompute each sampled failure with the product and compare.
        var graph = new CsrGraph(network);
        var hops = new AllPairsHops(graph);
        var index = network.Nodes.Select((n, i) => (n.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var linkOf = new Dictionary<(int, int), int>();
        for (var i = 0; i < network.LinkCount; i++)
        {
            linkOf[(network.Links[i].A, network.Links[i].B)] = i;
        }

        var mismatches = 0;
        double seconds = 0;
        var failures = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("summary", out _))
            {
                seconds = root.GetProperty("seconds").GetDouble();
                failures = root.GetProperty("failures").GetInt32();
                continue;
            }

            var a = index[root.GetProperty("a").GetString()!];
            var b = index[root.GetProperty("b").GetString()!];
            var down = new bool[network.LinkCount];
            down[linkOf[(Math.Min(a, b), Math.Max(a, b))]] = true;
            var summary = hops.Run(down, [], null);
            var components = Components.Find(graph, network.Links, down, []).Count;
            if (components != root.GetProperty("components").GetInt32() || summary.ReachablePairs != root.GetProperty("pairs").GetInt64() || summary.TotalHops != root.GetProperty("hops").GetInt64())
            {
                mismatches++;
            }
        }

        return (seconds, failures, mismatches);
    }

    private static string NetworkxVersion()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import networkx; print(networkx.__version__)"]) { RedirectStandardOutput = true, UseShellExecute = false });
            var version = p!.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
