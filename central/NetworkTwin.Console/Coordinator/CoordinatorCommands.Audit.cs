using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
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
            if (OutputFormat.TryWrite(parse, console, list))
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
}
