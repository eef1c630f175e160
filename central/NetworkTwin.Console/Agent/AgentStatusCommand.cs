using System.CommandLine;
using System.Text.Json;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Hosting;
using Spectre.Console;

namespace NetworkTwin.Console.Agent;

/// <summary><c>networktwin agent status</c>: what the local agent is doing, from its status file.</summary>
public static class AgentStatusCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = "The agent's data directory (its Agent:DataDirectory); found from the agent's settings file when not given." };
        var watch = new Option<bool>("--watch") { Description = "Refresh every second until Ctrl+C." };
        var json = new Option<bool>("--json") { Description = "Print the raw status document (the same as -o json)." };
        var command = new Command("status", "Broker connection, message rates, refused input and the latest per-link results of the local agent.") { dataDir, watch, json };
        command.SetAction(async (parse, ct) =>
        {
            var (directory, from) = AgentStateLocator.Find(parse.GetValue(dataDir), ServiceConfiguration.SiteFile("agent"));
            var path = Path.Combine(directory, AgentStatusDocument.FileName);
            Check(path, from);
            if (parse.GetValue(json) || OutputFormat.IsDocument(parse))
            {
                var document = await File.ReadAllTextAsync(Existing(path), ct).ConfigureAwait(false);
                if (!OutputFormat.TryWrite(parse, console, document))
                {
                    console.Profile.Out.Writer.Write(document); // --json without -o: the document as the agent wrote it
                }

                return CliApp.ExitOk;
            }

            if (!parse.GetValue(watch))
            {
                var status = await ReadAsync(path, ct).ConfigureAwait(false);
                console.Write(AgentStatusRenderer.Render(status, DateTimeOffset.UtcNow));
                return DateTimeOffset.UtcNow - status.UpdatedAt > AgentStatusRenderer.StaleAfter ? 1 : CliApp.ExitOk;
            }

            var first = await ReadAsync(path, ct).ConfigureAwait(false);
            if (!console.Profile.Capabilities.Interactive)
            {
                // Piped (a log, a pager): one line a second instead of redrawn tables.
                for (var status = first; !ct.IsCancellationRequested; status = await ReadAsync(path, ct).ConfigureAwait(false))
                {
                    console.MarkupLine(Markup.Escape(AgentStatusRenderer.Line(status, DateTimeOffset.UtcNow)));
                    await Task.Delay(1000, ct).ConfigureAwait(false);
                }

                return CliApp.ExitOk;
            }

            await console.Live(AgentStatusRenderer.Render(first, DateTimeOffset.UtcNow)).StartAsync(async live =>
            {
                while (!ct.IsCancellationRequested)
                {
                    await Task.Delay(1000, ct).ConfigureAwait(false);
                    live.UpdateTarget(AgentStatusRenderer.Render(await ReadAsync(path, ct).ConfigureAwait(false), DateTimeOffset.UtcNow));
                }
            }).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>Reads a status file; a missing or broken file gets an error that says what to check.</summary>
    public static async Task<AgentStatusDocument> ReadAsync(string path, CancellationToken ct)
    {
        var stream = File.OpenRead(Existing(path));
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<AgentStatusDocument>(stream, AgentStatusDocument.JsonOptions, ct).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"{path} is empty.");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path} is not an agent status document: {ex.Message}", ex);
            }
        }
    }

    private static string Existing(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"No agent status at {path}. Is the agent running, and is --data-dir its Agent:DataDirectory?");

    /// <summary>Fails early, saying where the directory came from and, when it is the service's, how to be allowed to read it.</summary>
    private static void Check(string path, string from)
    {
        if (File.Exists(path))
        {
            return;
        }

        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            try
            {
                _ = Directory.GetFiles(directory, AgentStatusDocument.FileName);
            }
            catch (UnauthorizedAccessException)
            {
                // The packaged agent's state is mode 750, owner and group networktwin.
                throw new UnauthorizedAccessException($"Cannot read the agent's state in {directory} (from {from}): it belongs to the networktwin user. Run 'sudo usermod -aG networktwin $USER' and log in again, or use sudo.");
            }
        }

        throw new FileNotFoundException($"No agent status at {path} (from {from}). Is the agent running? Pass --data-dir if it keeps its state elsewhere.");
    }
}
