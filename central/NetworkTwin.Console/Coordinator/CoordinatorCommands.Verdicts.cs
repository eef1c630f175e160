using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Approve(IAnsiConsole console) => Verdict(console, approve: true);

    public static Command Reject(IAnsiConsole console) => Verdict(console, approve: false);

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
            if (OutputFormat.TryWrite(parse, console, decision))
            {
                return CliApp.ExitOk;
            }

            console.Write(DecisionTable([decision]));
            return CliApp.ExitOk;
        });
        return command;
    }
}
