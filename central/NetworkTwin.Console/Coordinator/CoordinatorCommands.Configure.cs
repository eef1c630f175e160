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
    public static Command Configure(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var agent = new Option<string>("--agent") { Description = "The agent to reconfigure.", Required = true };
        var set = new Option<string[]>("--set") { Description = "KEY=VALUE, repeatable (for example Agent:Analysis:LossTarget=0.001).", Required = true, AllowMultipleArgumentsPerToken = true };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit trail.", DefaultValueFactory = _ => $"operator {Environment.UserName}" };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the agent's acknowledgement (0: do not wait).", DefaultValueFactory = _ => 30 };
        var command = new Command("configure", "Change an agent's analysis settings through the coordinator; the agent validates, applies and acknowledges.") { address, token, agent, set, reason, wait, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var change = new ConfigurationChange();
            foreach (var pair in parse.GetRequiredValue(set))
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0)
                {
                    throw new CliUsageException($"--set expects KEY=VALUE (got \"{pair}\").");
                }

                change.Settings[pair[..at].Trim()] = pair[(at + 1)..].Trim();
            }

            var request = new SendCommandRequest { Command = new NetworkTwin.Contracts.Sync.Command { AgentId = parse.GetRequiredValue(agent), Reason = parse.GetRequiredValue(reason), Configure = change } };
            var (addressValue, tokenValue, ca) = (parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile));
            var record = await CallAsync(addressValue, tokenValue, ca, (c, o) => c.SendCommandAsync(request, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            var json = OutputFormat.IsDocument(parse);
            if (!json)
            {
                console.WriteLine(Invariant($"command {record.Command.CommandId} sent to {record.Command.AgentId}"));
            }
            var deadline = DateTimeOffset.UtcNow.AddSeconds(Math.Clamp(parse.GetValue(wait), 0, 3600));
            while (record.State == "pending" && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                var list = await CallAsync(addressValue, tokenValue, ca, (c, o) => c.ListCommandsAsync(new ListCommandsRequest { AgentId = record.Command.AgentId, Limit = 1000 }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
                record = list.Commands.FirstOrDefault(r => r.Command.CommandId == record.Command.CommandId) ?? record;
            }

            if (!OutputFormat.TryWrite(parse, console, record))
            {
                console.WriteLine(record.State == "pending" ? "pending: the agent has not acknowledged it yet (it is delivered when the agent connects)" : $"{record.State}: {record.Detail}");
            }

            return record.State switch { "applied" => CliApp.ExitOk, "pending" => CliApp.ExitOk, _ => 1 };
        });
        return command;
    }
}
