using System.CommandLine;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Design;
using NetworkTwin.Telemetry.Topology;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary>
/// <c>design generate | recommend | optimize</c>: from an intent document to designs, at the coordinator when one is
/// configured (its shared history), else here (the local history file).
/// </summary>
public static class IntentCommands
{
    public static Option<FileInfo> IntentOption() =>
        new("--intent") { Description = "Intent document (.json, .yaml): sites or siteModel, demands or demandModel, redundancy, objective, constraints.", Required = true };

    private static Option<TopologyPattern> PatternOption(bool required) =>
        new("--pattern") { Description = "FullMesh, Ring, DualHub, Tree, LeafSpine, PartialMesh or Hybrid.", Required = required, DefaultValueFactory = _ => TopologyPattern.Hybrid };

    public static Command Generate(IAnsiConsole console)
    {
        var intent = IntentOption();
        var pattern = PatternOption(required: true);
        var output = new Option<FileInfo?>("--out") { Description = "Write the design (.json or .graphml)." };
        var target = DesignTarget.Create();
        var command = new Command("generate", "Lay out a pattern over the intent's sites, meet its redundancy, size every link, and check the constraints.") { intent, pattern, output };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var screen = OutputFormat.ForPeople(parse, console);
            var address = target.Address(parse);
            var expanded = Expand(screen, parse.GetRequiredValue(intent).FullName);
            var p = parse.GetValue(pattern);
            var why = TopologyGenerator.NotApplicable(p, expanded);
            if (why is not null)
            {
                throw new CliUsageException($"--pattern {p} does not fit this intent: {why}.");
            }

            var record = address is not null
                ? (await DesignRemote.RunAsync(screen, target, parse, address, (c, o) => c.Generate(new GenerateRequest { Intent = Document(expanded), Pattern = p.ToString() }, o), ct).ConfigureAwait(false)).Records[0]
                : RecordHere(target, parse, [screen.Status().Start($"sizing {p} against the failures {expanded.Intent.Redundancy} redundancy covers...", _ => DesignOperations.Generate(expanded, p, cancellationToken: ct))])[0];
            DesignRenderer.Design(screen, record);
            DesignRenderer.Recorded(screen, address, target, parse, record);
            Save(screen, record, expanded, parse.GetValue(output));
            OutputFormat.TryWrite(parse, console, Reply(record));
            return record.MetConstraints ? CliApp.ExitOk : 1;
        });
        return command;
    }

    public static Command Recommend(IAnsiConsole console)
    {
        var intent = IntentOption();
        var outDir = new Option<DirectoryInfo?>("--out-dir") { Description = "Write every ranked design here as JSON." };
        var target = DesignTarget.Create();
        var command = new Command("recommend", "Score every pattern for the intent by simulation and by the recorded outcomes of similar intents (every operator's, at a coordinator); rank them.") { intent, outDir };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var screen = OutputFormat.ForPeople(parse, console);
            var address = target.Address(parse);
            var expanded = Expand(screen, parse.GetRequiredValue(intent).FullName);
            DesignReply reply;
            string historyName;
            if (address is not null)
            {
                reply = await DesignRemote.RunAsync(screen, target, parse, address, (c, o) => c.Recommend(new RecommendRequest { Intent = Document(expanded) }, o), ct).ConfigureAwait(false);
                historyName = $"the history at {address}";
            }
            else
            {
                using var store = new DesignHistoryStore(target.HistoryPath(parse));
                var past = store.Outcomes();
                var (options, recommendation) = await DesignProgressView.ShowAsync(screen, progress => Task.FromResult(DesignOperations.Recommend(expanded, past, progress, cancellationToken: ct))).ConfigureAwait(false);
                reply = new DesignReply { SimilarPastOutcomes = recommendation.SimilarPastOutcomes };
                reply.Records.AddRange(store.Record(options));
                reply.Skipped.AddRange(recommendation.Skipped);
                historyName = store.Path;
            }

            DesignRenderer.Options(screen, reply, historyName);
            if (parse.GetValue(outDir) is { } dir)
            {
                foreach (var o in reply.Records)
                {
                    NetworkFiles.Save(WithDemands(o, expanded), Path.Combine(dir.FullName, $"{o.Rank}-{o.Pattern}.json"));
                }
            }

            OutputFormat.TryWrite(parse, console, reply);
            if (address is not null)
            {
                screen.MarkupLine(Invariant($"[grey]Once one is chosen: networktwin design choose RECORD (the record column); once built: networktwin design outcome RECORD --met|--not-met.[/]"));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Optimize(IAnsiConsole console)
    {
        var intent = IntentOption();
        var pattern = PatternOption(required: false);
        var trials = new Option<int>("--max-trials") { Description = "Changes tried (each re-sizes the whole design).", DefaultValueFactory = _ => 20 };
        var output = new Option<FileInfo?>("--out") { Description = "Write the optimised design (.json or .graphml)." };
        var target = DesignTarget.Create();
        var command = new Command("optimize", "Improve a design under the intent's budget and constraints: remove, add and re-size links, with an audit trail.") { intent, pattern, trials, output };
        target.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var screen = OutputFormat.ForPeople(parse, console);
            var max = parse.GetValue(trials);
            if (max is < 1 or > 1000)
            {
                throw new CliUsageException($"--max-trials must be 1..1000 (got {max}).");
            }

            var address = target.Address(parse);
            var expanded = Expand(screen, parse.GetRequiredValue(intent).FullName);
            var p = parse.GetValue(pattern);
            var record = address is not null
                ? (await DesignRemote.RunAsync(screen, target, parse, address, (c, o) => c.Optimize(new OptimizeRequest { Intent = Document(expanded), Pattern = p.ToString(), MaxTrials = max }, o), ct).ConfigureAwait(false)).Records[0]
                : RecordHere(target, parse, [await DesignProgressView.ShowAsync(screen, progress => Task.FromResult(DesignOperations.Optimize(expanded, p, max, progress, cancellationToken: ct))).ConfigureAwait(false)])[0];
            DesignRenderer.Steps(screen, record);
            DesignRenderer.Design(screen, record);
            DesignRenderer.Recorded(screen, address, target, parse, record);
            Save(screen, record, expanded, parse.GetValue(output));
            OutputFormat.TryWrite(parse, console, Reply(record));
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Records a run made here in the local history file; returns the records with their ids there.</summary>
    internal static IReadOnlyList<DesignRecord> RecordHere(DesignTarget target, System.CommandLine.ParseResult parse, IReadOnlyList<DesignRecord> records)
    {
        using var store = new DesignHistoryStore(target.HistoryPath(parse));
        return store.Record(records);
    }

    /// <summary>One run's records as the reply -o json and -o yaml write, wherever it ran.</summary>
    internal static DesignReply Reply(DesignRecord record) => new() { Records = { record } };

    private static IntentDocument Document(ExpandedIntent intent) => new() { Json = IntentJson.Write(intent.Intent) };

    private static ExpandedIntent Expand(IAnsiConsole console, string path)
    {
        var intent = IntentFiles.Load(path);
        var expanded = ExpandedIntent.From(intent);
        console.MarkupLine(Invariant($"[bold]{Markup.Escape(intent.Name)}[/]: {expanded.Sites.Count} sites in {expanded.Regions.Count} region(s), {expanded.Demands.Count:N0} demands ({expanded.Demands.Sum(d => d.Gbps):N1} Gbit/s), {intent.Redundancy} redundancy, {intent.Objective} first"));
        return expanded;
    }

    /// <summary>A recorded design with the intent's demands (the record keeps the topology; the demands are the intent's).</summary>
    private static Analytics.Graphs.Network WithDemands(DesignRecord design, ExpandedIntent intent) =>
        NetworkJson.Parse(design.NetworkJson).Network with { Demands = intent.Demands };

    private static void Save(IAnsiConsole console, DesignRecord design, ExpandedIntent intent, FileInfo? file)
    {
        if (file is null)
        {
            return;
        }

        NetworkFiles.Save(WithDemands(design, intent), file.FullName);
        console.MarkupLine($"wrote the design to {Markup.Escape(file.FullName)}");
    }
}
