using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Commands(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var agent = new Option<string?>("--agent") { Description = "Only this agent." };
        var command = new Command("commands", "Commands sent to agents, newest first, with their outcome.") { address, token, agent, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListCommandsAsync(new ListCommandsRequest { AgentId = parse.GetValue(agent) ?? string.Empty }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "agent", "issued", "kind", "reason", "state", "detail");
            foreach (var r in list.Commands)
            {
                table.AddRow(
                    Invariant($"{r.Command.CommandId}"),
                    Markup.Escape(r.Command.AgentId),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(r.Command.IssuedUnixMs):u}"),
                    r.Command.BodyCase.ToString(),
                    Markup.Escape(r.Command.Reason),
                    r.State,
                    Markup.Escape(r.Detail));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }
}
