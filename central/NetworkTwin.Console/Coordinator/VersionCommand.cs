using System.CommandLine;
using Grpc.Core;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Diagnostics;
using NetworkTwin.Hosting.Grpc;
using Spectre.Console;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin version</c>: this client's version and the coordinator's, which an operator compares before blaming either.</summary>
public static class VersionCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var address = CoordinatorCommands.Address();
        var command = new Command("version", "This CLI's version and the coordinator's (unreachable: said, and exit 3).") { address, CoordinatorCommands.CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var client = NetworkTwin.Hosting.ProductVersion.Text;
            var text = parse.GetRequiredValue(address);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliUsageException($"--coordinator must be an http:// or https:// URL (got \"{text}\").");
            }

            string? server = null;
            string? problem = null;
            try
            {
                using var channel = CoordinatorCommands.Channel(uri, parse.GetValue(CoordinatorCommands.CaFile));
                var reply = await new Diagnostics.DiagnosticsClient(channel).PingAsync(new PingRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct).ConfigureAwait(false);
                server = reply.ServerVersion.Length > 0 ? reply.ServerVersion : "(older than 0.5: it does not say)";
            }
            catch (RpcException ex)
            {
                problem = $"{ex.StatusCode}: {CoordinatorChannel.Describe(ex)}";
            }

            var reachable = server is not null;
            var document = new Dictionary<string, string?> { ["client"] = client, ["coordinator"] = server, ["coordinatorAddress"] = text, ["problem"] = problem };
            if (!OutputFormat.TryWrite(parse, console, System.Text.Json.JsonSerializer.Serialize(document)))
            {
                console.WriteLine($"client: networktwin {client}");
                console.WriteLine(reachable ? $"coordinator: {server} at {text}" : $"coordinator: unreachable at {text} ({problem})");
            }

            return reachable ? CliApp.ExitOk : CliApp.ExitDataRejected;
        });
        return command;
    }
}
