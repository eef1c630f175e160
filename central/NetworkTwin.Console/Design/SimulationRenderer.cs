using System.Globalization;
using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Resilience;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Design;

/// <summary>The failure simulation as tables: per kind, then what breaks first.</summary>
public static class SimulationRenderer
{
    public static void Render(IAnsiConsole console, Network network, SimulationReport report, int top)
    {
        var b = report.Baseline;
        console.MarkupLine(Invariant($"intact: {report.BaselineComponents} part(s), diameter {b.Diameter} hops, average path {b.AveragePathLength:0.000} hops")
            + (report.BaselineWorstUtilisation is { } u ? Invariant($", busiest link at {100 * u:0.0}% with the demands routed (ECMP)") : string.Empty));

        var kinds = new Table().Border(TableBorder.Rounded).Title("failures simulated")
            .AddColumns("kind", "simulated", "split the network", "hurt at all", "time", "note");
        foreach (var k in report.Kinds)
        {
            kinds.AddRow(
                Kind(k.Kind),
                k.Simulated == k.Possible ? Invariant($"{k.Simulated:N0} (all)") : Invariant($"{k.Simulated:N0} of {k.Possible:N0}"),
                Invariant($"{k.Partitioning:N0} ({100.0 * k.Partitioning / Math.Max(1, k.Simulated):0.#}%)"),
                Invariant($"{k.Hurting:N0}"),
                Invariant($"{k.ElapsedSeconds:0.000} s"),
                Markup.Escape(k.Confidence ?? string.Empty));
        }

        console.Write(kinds);
        // What breaks first: the fewest failures that cost something, worst first within each kind.
        var hurting = report.WorstFirst().ToList();
        if (hurting.Count == 0)
        {
            console.MarkupLine("[green]No failure simulated costs anything.[/]");
            return;
        }

        var demands = network.Demands.Count > 0;
        foreach (var kind in report.Kinds.Select(k => k.Kind))
        {
            var rows = hurting.Where(o => o.Scenario.Kind == kind).Take(top).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            var table = new Table().Border(TableBorder.Rounded).Title($"worst {Kind(kind)} failures")
                .AddColumns("failure", "parts", "cut off", "pairs lost", "stretch", "+hops");
            if (demands)
            {
                table.AddColumns("demand lost", "busiest link after");
            }

            foreach (var o in rows)
            {
                var cells = new List<string>
                {
                    Markup.Escape(o.Scenario.Label),
                    Invariant($"{o.Components}"),
                    Invariant($"{o.NodesCutOff}"),
                    Invariant($"{o.LostPairsPercent:0.##}%"),
                    Invariant($"{o.AverageStretch:0.000}"),
                    Invariant($"{o.MaxExtraHops}"),
                };
                if (demands)
                {
                    cells.Add(Invariant($"{o.UnreachableDemandGbps:0.###} Gbit/s"));
                    cells.Add(o.WorstUtilisation is { } util && o.WorstLink is { } link
                        ? Markup.Escape(Invariant($"{100 * util:0.0}% {FailureSimulator.LinkLabel(network, link)}")) + (o.OverloadedLinks > 0 ? Invariant($" [red]({o.OverloadedLinks} overloaded)[/]") : string.Empty)
                        : "-");
                }

                table.AddRow([.. cells]);
            }

            console.Write(table);
        }
    }

    private static string Kind(FailureKind kind) => kind switch
    {
        FailureKind.Link => "single link",
        FailureKind.Node => "single node",
        FailureKind.RiskGroup => "shared-risk group",
        _ => "link pair",
    };
}
