using System.CommandLine;
using System.Globalization;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Console.Cli;
using NetworkTwin.Telemetry.Topology;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary><c>design generate | recommend | optimize</c>: from an intent document to designs.</summary>
public static class IntentCommands
{
    public static Option<FileInfo> IntentOption() =>
        new("--intent") { Description = "Intent document (.json, .yaml): sites or siteModel, demands or demandModel, redundancy, objective, constraints.", Required = true };

    public static Option<FileInfo> HistoryOption() =>
        new("--history") { Description = "SQLite file where every design run is recorded and read back.", DefaultValueFactory = _ => new FileInfo(DesignHistoryStore.DefaultPath) };

    private static Option<TopologyPattern> PatternOption(bool required) =>
        new("--pattern") { Description = "FullMesh, Ring, DualHub, Tree, LeafSpine, PartialMesh or Hybrid.", Required = required, DefaultValueFactory = _ => TopologyPattern.Hybrid };

    public static Command Generate(IAnsiConsole console)
    {
        var intent = IntentOption();
        var pattern = PatternOption(required: true);
        var output = new Option<FileInfo?>("--out") { Description = "Write the design (.json or .graphml)." };
        var history = HistoryOption();
        var command = new Command("generate", "Lay out a pattern over the intent's sites, meet its redundancy, size every link, and check the constraints.") { intent, pattern, output, history };
        command.SetAction(parse =>
        {
            var expanded = Expand(console, parse.GetRequiredValue(intent).FullName);
            var p = parse.GetValue(pattern);
            var why = TopologyGenerator.NotApplicable(p, expanded);
            if (why is not null)
            {
                throw new CliUsageException($"--pattern {p} does not fit this intent: {why}.");
            }

            var design = console.Status().Start($"sizing {p} against the failures {expanded.Intent.Redundancy} redundancy covers...", _ =>
            {
                var (layout, log) = TopologyGenerator.Generate(p, expanded);
                return DesignSizer.Size(expanded, p, layout, log);
            });
            RenderDesign(console, design);
            Save(console, design, parse.GetValue(output));
            using var store = new DesignHistoryStore(parse.GetRequiredValue(history).FullName);
            store.Record("generate", expanded.Intent.Name, IntentFeatures.Of(expanded), p, null, design.MeetsConstraints, design.Scores, expanded.Intent, design.Links, design.MeetsConstraints ? "meets constraints" : string.Join("; ", design.Violations));
            return design.MeetsConstraints ? CliApp.ExitOk : 1;
        });
        return command;
    }

    public static Command Recommend(IAnsiConsole console)
    {
        var intent = IntentOption();
        var history = HistoryOption();
        var outDir = new Option<DirectoryInfo?>("--out-dir") { Description = "Write every ranked design here as JSON." };
        var command = new Command("recommend", "Score every pattern for the intent by simulation and by the recorded outcomes of similar intents; rank them.") { intent, history, outDir };
        command.SetAction(async (parse, ct) =>
        {
            var expanded = Expand(console, parse.GetRequiredValue(intent).FullName);
            using var store = new DesignHistoryStore(parse.GetRequiredValue(history).FullName);
            var past = store.Outcomes();
            Recommendation? recommendation = null;
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(ctx =>
                {
                    var task = ctx.AddTask("patterns", maxValue: Enum.GetValues<TopologyPattern>().Length);
                    recommendation = DesignRecommender.Recommend(expanded, past, new Progress<string>(stage =>
                    {
                        task.Description = stage;
                        task.Increment(1);
                    }));
                    task.Value = task.MaxValue;
                    return Task.CompletedTask;
                }).ConfigureAwait(false);

            var r = recommendation!;
            var table = new Table().Border(TableBorder.Rounded).Title($"options for {Markup.Escape(expanded.Intent.Name)} ({expanded.Intent.Redundancy} redundancy, {expanded.Intent.Objective} first)")
                .AddColumns("#", "pattern", "score", "confidence", "links", "cost", "worst latency", "survives", "constraints");
            foreach (var o in r.Options)
            {
                var s = o.Design.Scores;
                table.AddRow(
                    Invariant($"{o.Rank}"),
                    o.Design.Pattern.ToString(),
                    Invariant($"{o.Score:0.000}") + (o.HistoryScore is { } h ? Invariant($" (past {h:0.00})") : string.Empty),
                    Invariant($"{100 * o.Confidence:0}%"),
                    Invariant($"{o.Design.Network.LinkCount}"),
                    Invariant($"{s.Cost:N0}"),
                    Invariant($"{s.MaxLatencyMs:0.0} ms"),
                    Invariant($"{100 * s.Survivability:0.#}%"),
                    o.Design.MeetsConstraints ? "[green]met[/]" : $"[red]{o.Design.Violations.Count} not met[/]");
            }

            console.Write(table);
            foreach (var o in r.Options.Take(3))
            {
                console.MarkupLine($"[bold]{o.Rank}. {o.Design.Pattern}[/]: {Markup.Escape(o.Rationale)}");
                console.MarkupLine($"   trade-offs: {Markup.Escape(o.TradeOffs)}");
            }

            foreach (var skipped in r.Skipped)
            {
                console.MarkupLine($"[grey]not offered: {Markup.Escape(skipped)}[/]");
            }

            console.MarkupLine(r.SimilarPastOutcomes == 0
                ? $"No similar intent recorded yet in {Markup.Escape(store.Path)}: the ranking rests on this simulation alone."
                : $"{r.SimilarPastOutcomes} recorded outcome(s) of similar intents weigh {DesignRecommender.HistoryWeight * 100:0}% of each score.");
            foreach (var o in r.Options)
            {
                store.Record("recommend", expanded.Intent.Name, IntentFeatures.Of(expanded), o.Design.Pattern, o.Score, o.Design.MeetsConstraints, o.Design.Scores, o.Rank == 1 ? expanded.Intent : null, null, $"rank {o.Rank}, confidence {o.Confidence:0.00}");
                if (parse.GetValue(outDir) is { } dir)
                {
                    NetworkFiles.Save(o.Design.Network, Path.Combine(dir.FullName, $"{o.Rank}-{o.Design.Pattern}.json"));
                }
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
        var history = HistoryOption();
        var command = new Command("optimize", "Improve a design under the intent's budget and constraints: remove, add and re-size links, with an audit trail.") { intent, pattern, trials, output, history };
        command.SetAction(async (parse, ct) =>
        {
            var max = parse.GetValue(trials);
            if (max is < 1 or > 1000)
            {
                throw new CliUsageException($"--max-trials must be 1..1000 (got {max}).");
            }

            var expanded = Expand(console, parse.GetRequiredValue(intent).FullName);
            var p = parse.GetValue(pattern);
            var (layout, log) = TopologyGenerator.Generate(p, expanded);
            var start = DesignSizer.Size(expanded, p, layout, log);
            DesignResult? result = null;
            IReadOnlyList<OptimizationStep>? audit = null;
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(ctx =>
                {
                    var task = ctx.AddTask("trials", maxValue: max);
                    (result, audit) = DesignOptimizer.Optimize(expanded, start, max, new Progress<(int Done, int Total)>(x => task.Value = x.Done));
                    return Task.CompletedTask;
                }).ConfigureAwait(false);

            var table = new Table().Border(TableBorder.Rounded).Title("audit trail").AddColumns("#", "change", "decision", "reason", "cost with it");
            foreach (var step in audit!)
            {
                table.AddRow(Invariant($"{step.Step}"), Markup.Escape(step.Action), step.Accepted ? "[green]kept[/]" : "[grey]rejected[/]", Markup.Escape(step.Reason), Invariant($"{step.CostAfter:N0}"));
            }

            console.Write(table);
            console.MarkupLine(Invariant($"cost {start.Scores.Cost:N0} -> {result!.Scores.Cost:N0}; worst latency {start.Scores.MaxLatencyMs:0.00} -> {result.Scores.MaxLatencyMs:0.00} ms; links {start.Network.LinkCount} -> {result.Network.LinkCount}"));
            RenderDesign(console, result);
            Save(console, result, parse.GetValue(output));
            using var store = new DesignHistoryStore(parse.GetRequiredValue(history).FullName);
            store.Record("optimize", expanded.Intent.Name, IntentFeatures.Of(expanded), p, null, result.MeetsConstraints, result.Scores, expanded.Intent, audit, $"{audit.Count(a => a.Accepted)} of {audit.Count} changes kept");
            return CliApp.ExitOk;
        });
        return command;
    }

    private static ExpandedIntent Expand(IAnsiConsole console, string path)
    {
        var intent = IntentFiles.Load(path);
        var expanded = ExpandedIntent.From(intent);
        console.MarkupLine(Invariant($"[bold]{Markup.Escape(intent.Name)}[/]: {expanded.Sites.Count} sites in {expanded.Regions.Count} region(s), {expanded.Demands.Count:N0} demands ({expanded.Demands.Sum(d => d.Gbps):N1} Gbit/s), {intent.Redundancy} redundancy, {intent.Objective} first"));
        return expanded;
    }

    private static void RenderDesign(IAnsiConsole console, DesignResult design)
    {
        var s = design.Scores;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(design.Name)).AddColumns("figure", "value");
        table.AddRow("links", Invariant($"{design.Network.LinkCount} ({string.Join(", ", design.Links.GroupBy(l => l.Type).Select(g => $"{g.Sum(l => l.Circuits)} x {g.Key}"))})"));
        table.AddRow("cost", Invariant($"{s.Cost:N0}"));
        table.AddRow("latency (lowest-latency paths)", Invariant($"worst {s.MaxLatencyMs:0.00} ms, demand-weighted mean {s.AverageLatencyMs:0.00} ms"));
        table.AddRow("longest path", Invariant($"{s.Diameter} hops"));
        table.AddRow("connectivity", Invariant($"{s.LinkConnectivity} links / {s.NodeConnectivity} nodes"));
        table.AddRow("survivability", Invariant($"carries every demand after {100 * s.Survivability:0.#}% of {s.FailuresTried} failures tried"));
        table.AddRow("constraints", design.MeetsConstraints ? "[green]all met[/]" : "[red]" + Markup.Escape(string.Join("; ", design.Violations)) + "[/]");
        console.Write(table);
        foreach (var line in design.Log.Take(10))
        {
            console.MarkupLine($"  [grey]{Markup.Escape(line)}[/]");
        }

        if (design.Log.Count > 10)
        {
            console.MarkupLine(Invariant($"  [grey]... and {design.Log.Count - 10} more changes[/]"));
        }
    }

    private static void Save(IAnsiConsole console, DesignResult design, FileInfo? file)
    {
        if (file is null)
        {
            return;
        }

        NetworkFiles.Save(design.Network, file.FullName);
        console.MarkupLine($"wrote the design to {Markup.Escape(file.FullName)}");
    }
}
