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
    public static Command Agents(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("agents", "Agents known to the coordinator: site, version, last seen, results stored.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListAgentsAsync(new ListAgentsRequest { PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var now = DateTimeOffset.FromUnixTimeMilliseconds(list.ServerTimeUnixMs);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("agent", "site", "version", "last seen", "results", "stored through");
            foreach (var a in list.Agents)
            {
                var ago = now - DateTimeOffset.FromUnixTimeMilliseconds(a.LastSeenUnixMs);
                table.AddRow(Markup.Escape(a.AgentId), Markup.Escape(a.Site), Markup.Escape(a.Version), Invariant($"{ago.TotalSeconds:N0} s ago"), Invariant($"{a.ResultsStored:N0}"), Invariant($"{a.StoredThrough:N0}"));
            }

            console.Write(table);

            return CliApp.ExitOk;
        });
        return command;
    }
}
