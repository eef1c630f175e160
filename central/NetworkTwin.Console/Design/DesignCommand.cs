using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Resilience;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Topology;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary><c>networktwin design ...</c>: the design-time twin on real or generated networks.</summary>
public static class DesignCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var design = new Command("design", "The design-time twin: from intent to validated designs; import, validate and fail real networks.");
        design.Add(Validate(console));
        design.Add(Simulate(console));
        design.Add(Export(console));
        design.Add(IntentCommands.Generate(console));
        design.Add(IntentCommands.Recommend(console));
        design.Add(IntentCommands.Optimize(console));
        return design;
    }

    private static Option<FileInfo> NetworkOption() =>
        new("--network") { Description = "Network file: GraphML (.graphml, e.g. the Topology Zoo), SNDlib native (.txt) or JSON (.json).", Required = true };

    private static Command Validate(IAnsiConsole console)
    {
        var network = NetworkOption();
        var json = new Option<FileInfo?>("--json") { Description = "Write the metrics as JSON to this file." };
        var history = IntentCommands.HistoryOption();
        var command = new Command("validate", "Import a network, report what was repaired, and measure it: diameter, path length, connectivity, bisection, cost.") { network, json, history };
        command.SetAction(async (parse, ct) =>
        {
            var imported = Load(console, parse.GetRequiredValue(network).FullName);
            var metrics = NetworkMetrics.Measure(imported.Network);
            RenderMetrics(console, imported.Network, metrics);
            Record(parse.GetRequiredValue(history).FullName, "validate", imported.Network, metrics, $"{metrics.Components} part(s), connectivity {metrics.LinkConnectivity}/{metrics.NodeConnectivity}");
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(metrics, NetworkFiles.Json), ct).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Export(IAnsiConsole console)
    {
        var network = NetworkOption();
        var output = new Option<FileInfo>("--out") { Description = "Where to write: .graphml or .json.", Required = true };
        var command = new Command("export", "Convert a network to GraphML or JSON.") { network, output };
        command.SetAction(parse =>
        {
            var imported = Load(console, parse.GetRequiredValue(network).FullName);
            var path = parse.GetRequiredValue(output).FullName;
            if (Path.GetExtension(path).ToLowerInvariant() is not (".graphml" or ".json"))
            {
                throw new CliUsageException($"--out must end in .graphml or .json (got {Path.GetFileName(path)}).");
            }

            NetworkFiles.Save(imported.Network, path);
            console.MarkupLine($"wrote {imported.Network.NodeCount} nodes, {imported.Network.LinkCount} links, {imported.Network.Demands.Count} demands to {Markup.Escape(path)}");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Simulate(IAnsiConsole console)
    {
        var network = NetworkOption();
        var noNodes = new Option<bool>("--no-nodes") { Description = "Skip single node failures." };
        var noDoubles = new Option<bool>("--no-doubles") { Description = "Skip double link failures." };
        var samples = new Option<int>("--double-samples") { Description = "Link pairs sampled when there are more than --exhaustive-limit.", DefaultValueFactory = _ => 2000 };
        var exhaustive = new Option<int>("--exhaustive-limit") { Description = "Up to this many link pairs, every pair is failed.", DefaultValueFactory = _ => 20_000 };
        var capacity = new Option<double?>("--default-capacity-gbps") { Description = "Capacity for links the file gives none (for utilisation)." };
        var uniform = new Option<double?>("--uniform-demand-gbps") { Description = "Add a demand of this size between every pair of nodes (when the file has none)." };
        var top = new Option<int>("--top") { Description = "Worst failures shown per kind.", DefaultValueFactory = _ => 5 };
        var json = new Option<FileInfo?>("--json") { Description = "Write every scenario's outcome as JSON to this file." };
        var history = IntentCommands.HistoryOption();
        // --coordinator like every other command that talks to one; --publish, its earlier name, still works.
        var publish = new Option<string?>("--coordinator", "--publish") { Description = "Also send the summary to this coordinator (http:// or https://) for its dashboard." };
        var token = Coordinator.CoordinatorCommands.Token();
        var ca = Coordinator.CoordinatorCommands.CaFile;
        var command = new Command("simulate", "Fail every link, every node, every shared-risk group and pairs of links; report what breaks first.")
        {
            network, noNodes, noDoubles, samples, exhaustive, capacity, uniform, top, json, history, publish, token, ca,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new SimulationOptions
            {
                SingleNodes = !parse.GetValue(noNodes),
                DoubleLinks = !parse.GetValue(noDoubles),
                DoubleSamples = parse.GetValue(samples),
                ExhaustiveDoubleLimit = parse.GetValue(exhaustive),
                DefaultCapacityGbps = parse.GetValue(capacity),
            };
            var problems = options.Validate().ToList();
            if (parse.GetValue(uniform) is <= 0 or > 1e6)
            {
                problems.Add($"--uniform-demand-gbps must be above 0 and at most 1000000 (got {parse.GetValue(uniform)}).");
            }

            if (problems.Count > 0)
            {
                throw new CliUsageException(string.Join(Environment.NewLine, problems));
            }

            var imported = Load(console, parse.GetRequiredValue(network).FullName);
            var net = imported.Network;
            if (parse.GetValue(uniform) is { } each)
            {
                net = net with { Demands = [.. net.Demands, .. UniformDemands(net.NodeCount, each)] };
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"added {net.NodeCount * (net.NodeCount - 1):N0} demands of {each} Gbit/s (every ordered pair)"));
            }

            SimulationReport? report = null;
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(ctx =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    report = FailureSimulator.Simulate(net, options, new Progress<(string Stage, int Done, int Total)>(p =>
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task))
                        {
                            task = ctx.AddTask($"{p.Stage} failures", maxValue: p.Total);
                            tasks[p.Stage] = task;
                        }

                        task.Value = p.Done;
                    }));
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
            SimulationRenderer.Render(console, net, report!, parse.GetValue(top));
            Record(
                parse.GetRequiredValue(history).FullName,
                "simulate",
                net,
                report!.Kinds,
                string.Join("; ", report.Kinds.Select(k => $"{k.Kind}: {k.Partitioning} of {k.Simulated} split it")));
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, NetworkFiles.Json), ct).ConfigureAwait(false);
            }

            if (parse.GetValue(publish) is { } coordinator)
            {
                var run = Summary(report!);
                var stored = await Coordinator.CoordinatorCommands.CallAsync(coordinator, parse.GetValue(token), parse.GetValue(ca), (c, o) => c.PublishDesignRunAsync(run, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"published to {Markup.Escape(coordinator)} as design run {stored.RunId} (its dashboard shows it)"));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The summary the coordinator's dashboard shows: every kind, and the 50 worst failures.</summary>
    private static Contracts.Operators.DesignRun Summary(SimulationReport report)
    {
        var run = new Contracts.Operators.DesignRun { Network = report.Network.Length > 200 ? report.Network[..200] : report.Network, Nodes = report.Nodes, Links = report.Links, PublishedBy = Environment.UserName };
        run.Kinds.AddRange(report.Kinds.Select(k => new Contracts.Operators.DesignKind { Kind = k.Kind.ToString(), Simulated = k.Simulated, Possible = k.Possible, Partitioning = k.Partitioning, Hurting = k.Hurting }));
        run.Worst.AddRange(report.WorstFirst().Take(50).Select(o => new Contracts.Operators.DesignFailure
        {
            Scenario = o.Scenario.Label,
            Kind = o.Scenario.Kind.ToString(),
            Components = o.Components,
            LostPairsPercent = o.LostPairsPercent,
            UnreachableDemandGbps = o.UnreachableDemandGbps,
            WorstUtilisation = o.WorstUtilisation ?? double.NaN,
            OverloadedLinks = o.OverloadedLinks,
        }));
        return run;
    }

    /// <summary>Records a run on a network (not an intent) in the design history.</summary>
    private static void Record(string historyPath, string operation, Network network, object scores, string outcome)
    {
        using var store = new DesignHistoryStore(historyPath);
        var features = new Analytics.Design.IntentFeatures(network.NodeCount, 0, Analytics.Design.Redundancy.None, Analytics.Design.Objective.Cost, network.Demands.Sum(d => d.Gbps));
        store.Record(operation, network.Name, features, null, null, null, scores, null, new { network.NodeCount, network.LinkCount }, outcome);
    }

    private static IEnumerable<Demand> UniformDemands(int nodes, double gbps)
    {
        for (var s = 0; s < nodes; s++)
        {
            for (var t = 0; t < nodes; t++)
            {
                if (s != t)
                {
                    yield return new Demand(s, t, gbps);
                }
            }
        }
    }

    /// <summary>Loads a network file and prints what the importer repaired or could not find.</summary>
    public static NetworkImport Load(IAnsiConsole console, string path)
    {
        var imported = NetworkFiles.Load(path);
        var n = imported.Network;
        console.MarkupLine($"[bold]{Markup.Escape(n.Name)}[/]: {n.NodeCount} nodes, {n.LinkCount} links, {n.Demands.Count} demands, from {Markup.Escape(Path.GetFileName(path))}");
        foreach (var note in imported.Notes)
        {
            console.MarkupLine($"  [yellow]note:[/] {Markup.Escape(note)}");
        }

        return imported;
    }

    private static void RenderMetrics(IAnsiConsole console, Network network, NetworkMetrics m)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value");
        table.AddRow("nodes / links", Invariant($"{m.Nodes} / {m.Links}"));
        table.AddRow("connected parts", Invariant($"{m.Components}"));
        table.AddRow("diameter (hops)", Invariant($"{m.Diameter}"));
        table.AddRow("average path length (hops)", Invariant($"{m.AveragePathLength:0.000}"));
        table.AddRow("link connectivity", Invariant($"{m.LinkConnectivity}") + (m.LinkConnectivity <= 1 ? " (a single link failure can split it)" : string.Empty));
        table.AddRow("node connectivity", Invariant($"{m.NodeConnectivity}") + (m.NodeConnectivity <= 1 ? " (a single node failure can split it)" : string.Empty));
        table.AddRow("bisection (best cut found)", m.BisectionGbps is not { } bisection
            ? Invariant($"not estimated above {Bisection.MaxNodes:N0} nodes")
            : network.Links.All(l => l.CapacityGbps is null) ? Invariant($"{bisection:0} links") : Invariant($"{bisection:0.###} Gbit/s"));
        table.AddRow("total capacity", m.TotalCapacityGbps is { } c ? Invariant($"{c:0.###} Gbit/s") : "-");
        table.AddRow("total cost", m.TotalCost is { } cost ? Invariant($"{cost:N0}") : "-");
        table.AddRow("total demand", Invariant($"{m.TotalDemandGbps:0.###} Gbit/s"));
        console.Write(table);
    }
}
