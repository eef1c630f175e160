using NetworkTwin.Analytics.Design;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Contracts.Design;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary>
/// The design twin's results as tables, drawn from the records the history keeps, so that a run here and a run at the
/// coordinator look the same.
/// </summary>
internal static class DesignRenderer
{
    /// <summary>Where a run was recorded: in the coordinator's shared history (with its record id, for choose and outcome), or in the local file.</summary>
    public static void Recorded(IAnsiConsole console, string? address, DesignTarget target, System.CommandLine.ParseResult parse, DesignRecord record) =>
        console.MarkupLine(address is null
            ? $"[grey]recorded in {Markup.Escape(target.HistoryPath(parse))}[/]"
            : Markup.Escape(Invariant($"recorded at {address} as design record {record.RecordId}")));

    /// <summary>An imported network's metrics (design validate).</summary>
    public static void Figures(IAnsiConsole console, DesignRecord record)
    {
        var m = record.Figures;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("metric", "value");
        table.AddRow("nodes / links", Invariant($"{m.Nodes} / {m.Links}"));
        table.AddRow("connected parts", Invariant($"{m.Components}"));
        table.AddRow("diameter (hops)", Invariant($"{m.Diameter}"));
        table.AddRow("average path length (hops)", Invariant($"{m.AveragePathLength:0.000}"));
        table.AddRow("link connectivity", Invariant($"{m.LinkConnectivity}") + (m.LinkConnectivity <= 1 ? " (a single link failure can split it)" : string.Empty));
        table.AddRow("node connectivity", Invariant($"{m.NodeConnectivity}") + (m.NodeConnectivity <= 1 ? " (a single node failure can split it)" : string.Empty));
        table.AddRow("bisection (best cut found)", !m.HasBisectionGbps
            ? Invariant($"not estimated above {Bisection.MaxNodes:N0} nodes")
            : !m.HasTotalCapacityGbps ? Invariant($"{m.BisectionGbps:0} links") : Invariant($"{m.BisectionGbps:0.###} Gbit/s"));
        table.AddRow("total capacity", m.HasTotalCapacityGbps ? Invariant($"{m.TotalCapacityGbps:0.###} Gbit/s") : "-");
        table.AddRow("total cost", m.HasTotalCost ? Invariant($"{m.TotalCost:N0}") : "-");
        table.AddRow("total demand", Invariant($"{m.TotalDemandGbps:0.###} Gbit/s"));
        console.Write(table);
    }

    /// <summary>A generated or optimised design: links, cost, latency, connectivity, survivability, constraints, how it came to be.</summary>
    public static void Design(IAnsiConsole console, DesignRecord record)
    {
        var s = record.Scores;
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{record.IntentName} {record.Pattern}")).AddColumns("figure", "value");
        table.AddRow("links", Invariant($"{record.Links} ({record.LinksSummary})"));
        table.AddRow("cost", Invariant($"{s.Cost:N0}"));
        table.AddRow("latency (lowest-latency paths)", Invariant($"worst {s.MaxLatencyMs:0.00} ms, demand-weighted mean {s.AverageLatencyMs:0.00} ms"));
        table.AddRow("longest path", Invariant($"{s.Diameter} hops"));
        table.AddRow("connectivity", Invariant($"{s.LinkConnectivity} links / {s.NodeConnectivity} nodes"));
        table.AddRow("survivability", Invariant($"carries every demand after {100 * s.Survivability:0.#}% of {s.FailuresTried} failures tried"));
        table.AddRow("constraints", record.MetConstraints ? "[green]all met[/]" : "[red]" + Markup.Escape(string.Join("; ", record.Violations)) + "[/]");
        console.Write(table);
        foreach (var line in record.Log.Take(10))
        {
            console.MarkupLine($"  [grey]{Markup.Escape(line)}[/]");
        }

        if (record.Log.Count > 10)
        {
            console.MarkupLine(Invariant($"  [grey]... and {record.Log.Count - 10} more changes[/]"));
        }
    }

    /// <summary>A recommendation: every option ranked, the first three's rationale, what was not offered, what history weighed.</summary>
    public static void Options(IAnsiConsole console, DesignReply reply, string historyName)
    {
        var first = reply.Records[0];
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"options for {first.IntentName} ({first.Features.Redundancy} redundancy, {first.Features.Objective} first)"))
            .AddColumns("#", "pattern", "score", "confidence", "links", "cost", "worst latency", "survives", "constraints", "record");
        foreach (var o in reply.Records)
        {
            var s = o.Scores;
            table.AddRow(
                Invariant($"{o.Rank}"),
                o.Pattern,
                Invariant($"{o.Score:0.000}") + (o.HasHistoryScore ? Invariant($" (past {o.HistoryScore:0.00})") : string.Empty),
                Invariant($"{100 * o.Confidence:0}%"),
                Invariant($"{o.Links}"),
                Invariant($"{s.Cost:N0}"),
                Invariant($"{s.MaxLatencyMs:0.0} ms"),
                Invariant($"{100 * s.Survivability:0.#}%"),
                o.MetConstraints ? "[green]met[/]" : $"[red]{o.Violations.Count} not met[/]",
                Invariant($"{o.RecordId}"));
        }

        console.Write(table);
        foreach (var o in reply.Records.Take(3))
        {
            console.MarkupLine($"[bold]{o.Rank}. {o.Pattern}[/]: {Markup.Escape(o.Rationale)}");
            console.MarkupLine($"   trade-offs: {Markup.Escape(o.TradeOffs)}");
        }

        foreach (var skipped in reply.Skipped)
        {
            console.MarkupLine($"[grey]not offered: {Markup.Escape(skipped)}[/]");
        }

        console.MarkupLine(reply.SimilarPastOutcomes == 0
            ? $"No similar intent recorded yet in {Markup.Escape(historyName)}: the ranking rests on this simulation alone."
            : Invariant($"{reply.SimilarPastOutcomes} recorded outcome(s) of similar intents in {Markup.Escape(historyName)} weigh {DesignRecommender.HistoryWeight * 100:0}% of each score."));
    }

    /// <summary>The optimiser's trials, each kept or rejected with its reason, and what they changed.</summary>
    public static void Steps(IAnsiConsole console, DesignRecord record)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("audit trail").AddColumns("#", "change", "decision", "reason", "cost with it");
        foreach (var step in record.Steps)
        {
            table.AddRow(Invariant($"{step.Step}"), Markup.Escape(step.Action), step.Accepted ? "[green]kept[/]" : "[grey]rejected[/]", Markup.Escape(step.Reason), Invariant($"{step.CostAfter:N0}"));
        }

        console.Write(table);
        var a = record.StartScores;
        var b = record.Scores;
        console.MarkupLine(Invariant($"cost {a.Cost:N0} -> {b.Cost:N0}; worst latency {a.MaxLatencyMs:0.00} -> {b.MaxLatencyMs:0.00} ms"));
    }

    /// <summary>A failure simulation run at the coordinator: per kind, then the worst failures it kept.</summary>
    public static void Simulation(IAnsiConsole console, Contracts.Operators.DesignRun run, int top)
    {
        var kinds = new Table().Border(TableBorder.Rounded).Title("failures simulated").AddColumns("kind", "simulated", "split the network", "hurt at all");
        foreach (var k in run.Kinds)
        {
            kinds.AddRow(
                k.Kind,
                k.Simulated == k.Possible ? Invariant($"{k.Simulated:N0} (all)") : Invariant($"{k.Simulated:N0} of {k.Possible:N0}"),
                Invariant($"{k.Partitioning:N0} ({100.0 * k.Partitioning / Math.Max(1, k.Simulated):0.#}%)"),
                Invariant($"{k.Hurting:N0}"));
        }

        console.Write(kinds);
        if (run.Worst.Count == 0)
        {
            console.MarkupLine("[green]No failure simulated costs anything.[/]");
            return;
        }

        var worst = new Table().Border(TableBorder.Rounded).Title("what breaks first").AddColumns("failure", "kind", "parts", "pairs cut off", "demand unreachable", "busiest link", "overloaded links");
        foreach (var f in run.Worst.Take(top * Math.Max(1, run.Kinds.Count)))
        {
            worst.AddRow(
                Markup.Escape(f.Scenario),
                f.Kind,
                Invariant($"{f.Components}"),
                Invariant($"{f.LostPairsPercent:0.#}%"),
                Invariant($"{f.UnreachableDemandGbps:0.###} Gbit/s"),
                double.IsNaN(f.WorstUtilisation) ? "-" : Invariant($"{100 * f.WorstUtilisation:0.#}%"),
                Invariant($"{f.OverloadedLinks}"));
        }

        console.Write(worst);
    }
}
