using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Resilience;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Design;
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
        design.Add(HistoryCommands.History(console));
        design.Add(HistoryCommands.Report(console));
        design.Add(HistoryCommands.Choose(console));
        design.Add(HistoryCommands.Outcome(console));
        design.Add(HistoryCommands.Import(console));
        return design;
    }

    private static Option<FileInfo> NetworkOption() =>
        new("--network") { Description = "Network file: GraphML (.graphml, e.g. the Topology Zoo), SNDlib native (.txt) or JSON (.json).", Required = true };

    private static Command Validate(IAnsiConsole console)
    {
        var network = NetworkOption();
        var json = new Option<FileInfo?>("--json") { Description = "Write the metrics as JSON to this file." };
        var target = DesignTarget.Create();
        var command = new Command("validate", "Import a network, report what was repaired, and measure it: diameter, path length, connectivity, bisection, cost.") { network, json };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var screen = OutputFormat.ForPeople(parse, console);
            var address = target.Address(parse);
            var imported = Load(screen, parse.GetRequiredValue(network).FullName);
            var record = address is not null
                ? (await DesignRemote.RunAsync(screen, target, parse, address, (c, o) => c.Validate(new ValidateRequest { Network = Document(imported.Network) }, o), ct).ConfigureAwait(false)).Records[0]
                : IntentCommands.RecordHere(target, parse, [DesignOperations.Validate(imported.Network)])[0];
            DesignRenderer.Figures(screen, record);
            DesignRenderer.Recorded(screen, address, target, parse, record);
            OutputFormat.TryWrite(parse, console, IntentCommands.Reply(record));
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, Google.Protobuf.JsonFormatter.Default.Format(record.Figures), ct).ConfigureAwait(false);
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
        var json = new Option<FileInfo?>("--json") { Description = "Write every scenario's outcome as JSON to this file (here; at a coordinator, its summary)." };
        var target = DesignTarget.Create();
        var command = new Command("simulate", "Fail every link, every node, every shared-risk group and pairs of links; report what breaks first.")
        {
            network, noNodes, noDoubles, samples, exhaustive, capacity, uniform, top, json,
        };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var screen = OutputFormat.ForPeople(parse, console);
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

            var address = target.Address(parse);
            var imported = Load(screen, parse.GetRequiredValue(network).FullName);
            var net = imported.Network;
            if (parse.GetValue(uniform) is { } each)
            {
                net = net with { Demands = [.. net.Demands, .. UniformDemands(net.NodeCount, each)] };
                screen.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"added {net.NodeCount * (net.NodeCount - 1):N0} demands of {each} Gbit/s (every ordered pair)"));
            }

            if (address is not null)
            {
                var request = new SimulateRequest { Network = Document(net), NoNodes = !options.SingleNodes, NoDoubles = !options.DoubleLinks, DoubleSamples = options.DoubleSamples, ExhaustiveLimit = options.ExhaustiveDoubleLimit };
                if (options.DefaultCapacityGbps is { } defaultCapacity)
                {
                    request.DefaultCapacityGbps = defaultCapacity;
                }

                var record = (await DesignRemote.RunAsync(screen, target, parse, address, (c, o) => c.Simulate(request, o), ct).ConfigureAwait(false)).Records[0];
                DesignRenderer.Simulation(screen, record.Simulation, parse.GetValue(top));
                screen.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"recorded at {Markup.Escape(address)} as design record {record.RecordId} (its dashboard shows it)"));
                if (parse.GetValue(json) is { } summaryFile)
                {
                    await File.WriteAllTextAsync(summaryFile.FullName, Google.Protobuf.JsonFormatter.Default.Format(record.Simulation), ct).ConfigureAwait(false);
                }

                OutputFormat.TryWrite(parse, console, IntentCommands.Reply(record));
                return CliApp.ExitOk;
            }

            var (simulated, report) = await DesignProgressView.ShowAsync(screen, progress => Task.FromResult(DesignOperations.Simulate(net, options, progress, ct))).ConfigureAwait(false);
            SimulationRenderer.Render(screen, net, report, parse.GetValue(top));
            var stored = IntentCommands.RecordHere(target, parse, [simulated])[0];
            OutputFormat.TryWrite(parse, console, IntentCommands.Reply(stored));
            if (parse.GetValue(json) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, JsonSerializer.Serialize(report, NetworkFiles.Json), ct).ConfigureAwait(false);
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static NetworkDocument Document(Network network) => new() { Json = NetworkJson.Write(network) };

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
}
