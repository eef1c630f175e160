using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Decisions(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var state = new Option<string?>("--state") { Description = "Only decisions in this state (held, approved, rejected, sent, applied, refused, confirmed, violated, rolled-back, unverified)." };
        var command = new Command("decisions", "The coordinator's control decisions, newest first: the change, the prediction behind it, what the policy said, and how it went.") { address, token, state, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListDecisionsAsync(new ListDecisionsRequest { State = parse.GetValue(state) ?? string.Empty }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            if (list.Decisions.Count == 0)
            {
                console.WriteLine("No decisions: no link has needed a change yet (Coordinator:Control).");
                return CliApp.ExitOk;
            }

            console.Write(DecisionTable(list.Decisions));
            var held = list.Decisions.Count(d => d.State == "held");
            if (held > 0)
            {
                console.WriteLine(Invariant($"{held} held for approval: networktwin approve ID [--note TEXT] or networktwin reject ID --note TEXT."));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static Table DecisionTable(IEnumerable<Decision> decisions)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "state", "agent", "link", "change Gbit/s", "needs", "cost/month", "measured loss", "why", "policy / outcome");
        foreach (var d in decisions)
        {
            var state = d.State switch
            {
                "held" => "[yellow]held[/]",
                "confirmed" => "[green]confirmed[/]",
                "violated" or "refused" or "rolled-back" => $"[red]{d.State}[/]",
                _ => Markup.Escape(d.State),
            };
            table.AddRow(
                Invariant($"{d.DecisionId}"),
                state,
                Markup.Escape(d.AgentId),
                LinkLabel(d.DiscoveredLinkId, d.LinkId),
                Invariant($"{(d.FromGbps > 0 ? d.FromGbps.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) : "none")} -> {d.ToGbps:0.##}") + (d.RollbackOf > 0 ? Invariant($" (undoes {d.RollbackOf})") : string.Empty),
                Invariant($"{d.NeededGbps:0.00}"),
                Invariant($"{d.CostDeltaPerMonth:+0.##;-0.##;0}"),
                double.IsNaN(d.EffectLossPercent) ? "-" : Invariant($"{d.EffectLossPercent:0.###}% (target {d.LossTarget * 100:0.##}%)"),
                Markup.Escape(d.Justification),
                Markup.Escape(d.Outcome.Length > 0 ? d.Outcome : d.Policy));
        }

        return table;
    }
}
