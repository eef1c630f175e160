using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin decisions</c>, <c>approve</c>, <c>reject</c> and <c>audit</c>: governed control.</summary>
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
            if (OutputFormat.TryWriteJson(parse, console, list))
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

    public static Command Approve(IAnsiConsole console) => Verdict(console, approve: true);

    public static Command Reject(IAnsiConsole console) => Verdict(console, approve: false);

    public static Command Audit(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var decision = new Option<long>("--decision") { Description = "Only the entries of this decision." };
        var limit = new Option<int>("--limit") { Description = "The newest entries to show.", DefaultValueFactory = _ => 200 };
        var command = new Command("audit", "The append-only audit trail: every decision, approval, command, acknowledgement, measured effect and rollback, oldest first.") { address, token, decision, limit, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 100_000)
            {
                throw new CliUsageException(Invariant($"--limit must be 1..100000 (got {n})"));
            }

            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListAuditAsync(new ListAuditRequest { DecisionId = parse.GetValue(decision), Limit = n }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            if (list.Entries.Count == 0)
            {
                console.WriteLine("The audit trail is empty.");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "time (UTC)", "decision", "actor", "event", "detail");
            foreach (var e in list.Entries)
            {
                table.AddRow(
                    Invariant($"{e.EntryId}"),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(e.AtUnixMs):yyyy-MM-dd HH:mm:ss}"),
                    e.DecisionId == 0 ? "-" : Invariant($"{e.DecisionId}"),
                    Markup.Escape(e.Actor),
                    Markup.Escape(e.Event),
                    Markup.Escape(e.Detail));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Verdict(IAnsiConsole console, bool approve)
    {
        var address = Address();
        var token = Token();
        var id = new Argument<long>("decision") { Description = "The decision's id (networktwin decisions --state held)." };
        var note = new Option<string?>("--note") { Description = approve ? "Why (kept in the audit trail)." : "Why (required; kept in the audit trail).", Required = !approve };
        var who = new Option<string?>("--operator") { Description = "Who decides, when the coordinator has no operator tokens (with tokens, the token's name is recorded)." };
        var command = new Command(approve ? "approve" : "reject", approve ? "Approve a held decision: the coordinator sends it to its agent at once." : "Reject a held decision: nothing is sent; the same change is not proposed again for a while.") { id, address, token, note, who, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var request = new DecideRequest
            {
                DecisionId = parse.GetValue(id),
                Approve = approve,
                Note = parse.GetValue(note) ?? string.Empty,
                Operator = parse.GetValue(who) ?? Environment.UserName,
            };
            var decision = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.DecideAsync(request, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, decision))
            {
                return CliApp.ExitOk;
            }

            console.Write(DecisionTable([decision]));
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
