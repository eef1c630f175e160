using System.CommandLine;
using NetworkTwin.Console.Agent;
using NetworkTwin.Console.Design;
using Spectre.Console;

namespace NetworkTwin.Console.Cli;

/// <summary>The <c>networktwin</c> command tree: one sub-command per capability.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;
    public const int ExitDataRejected = 3;

    public static RootCommand Build(IAnsiConsole console)
    {
        var root = new RootCommand("NetworkTwin: the network digital twin for fronthaul, transport and enterprise networks.") { OutputFormat.Option };

        // The operators' commands, at the top: the coordinator's view, its decisions and commands, this box's agent.
        root.Add(Coordinator.CoordinatorCommands.Agents(console));
        root.Add(Coordinator.CoordinatorCommands.Links(console));
        root.Add(Coordinator.CoordinatorCommands.Topology(console));
        root.Add(Coordinator.CoordinatorCommands.Capacities(console));
        root.Add(Coordinator.CoordinatorCommands.Predictions(console));
        root.Add(Coordinator.CoordinatorCommands.Recommendations(console));
        root.Add(Coordinator.CoordinatorCommands.Models(console));
        root.Add(Coordinator.CoordinatorCommands.Decisions(console));
        root.Add(Coordinator.CoordinatorCommands.Approve(console));
        root.Add(Coordinator.CoordinatorCommands.Reject(console));
        root.Add(Coordinator.CoordinatorCommands.Audit(console));
        root.Add(Coordinator.CoordinatorCommands.Configure(console));
        root.Add(Coordinator.CoordinatorCommands.Commands(console));
        var scenario = new Command("scenario", "What-ifs on the live twin, recorded at the coordinator.");
        scenario.Add(Scenario.TwinScenarioCommand.Create(console));
        root.Add(scenario);
        var agent = new Command("agent", "The local edge agent.");
        agent.Add(AgentStatusCommand.Create(console));
        root.Add(agent);

        // The network architects' design twin.
        root.Add(DesignCommand.Create(console));

        // Setting up and the client itself.
        root.Add(Coordinator.DevCaCommand.Create(console));
        root.Add(Coordinator.ContextCommand.Create(console));
        root.Add(Coordinator.VersionCommand.Create(console));
        root.Add(CompletionCommand.Create(console));

        // Evaluation and data tools, in one group so the operators' list stays short.
        root.Add(Lab.LabCommand.Create(console));
        return root;
    }

    public static Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter? output = null, TextWriter? warnings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(console);
        return RunAsync(Build(console), "networktwin", args, console, output, warnings, cancellationToken);
    }

    /// <summary>Runs a command tree (this CLI's, or the lab tool's) with the CLI's usage errors and exit codes.</summary>
    /// <param name="warnings">Where warnings go, apart from -o json on the output (stderr, or <paramref name="output"/> when only that is given).</param>
    public static async Task<int> RunAsync(RootCommand root, string toolName, string[] args, IAnsiConsole console, TextWriter? output = null, TextWriter? warnings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(console);
        var parse = root.Parse(args);
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null)
        {
            config.Output = output;
            config.Error = output;
        }

        if (warnings is not null)
        {
            config.Error = warnings;
        }

        if (parse.Errors.Count == 0 && parse.Action is not System.CommandLine.Help.HelpAction && DecimalComma(parse) is { } comma)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(comma)}");
            console.MarkupLine($"usage: see {Markup.Escape(CommandPath(toolName, parse.CommandResult))} --help");
            return ExitUsage;
        }

        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            // A missing or malformed option is a usage error (exit 2), named with the command's usage.
            foreach (var error in parse.Errors)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(Plain(error.Message))}");
            }

            // A mistyped command or option: the closest one the command has.
            var command = parse.CommandResult.Command;
            var known = command.Subcommands.Select(c => c.Name).Concat(command.Options.Select(o => o.Name)).Concat(root.Options.Where(o => o.Recursive).Select(o => o.Name));
            foreach (var token in parse.UnmatchedTokens)
            {
                if (Hosting.Names.Closest(token, known) is { } closest)
                {
                    console.MarkupLine($"did you mean '{Markup.Escape(closest)}'?");
                }
            }

            console.MarkupLine($"usage: see {Markup.Escape(CommandPath(toolName, parse.CommandResult))} --help");
            return ExitUsage;
        }

        // On stderr, so that -o json on stdout stays clean for scripts.
        if (parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Any(o => o.Option.Name == "--token" && o.Tokens.Count > 0))
        {
            await config.Error.WriteLineAsync("warning: --token shows the operator token to every account on this machine (ps) and keeps it in the shell's history; use a context's token file (networktwin context set --token-file, mode 600) or NETWORKTWIN_TOKEN instead.").ConfigureAwait(false);
        }

        try
        {
            return await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (CliUsageException ex)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return ExitUsage;
        }
        catch (Exception ex) when (ex is InvalidDataException or DirectoryNotFoundException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return ExitDataRejected;
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: System.CommandLine cancels the action's own token.
            console.MarkupLine("[yellow]cancelled[/]");
            return 130;
        }
    }

    /// <summary>
    /// A number option given with a comma ("--wait 1,5"): the invariant culture reads the comma as a thousands separator,
    /// so it would be taken as 15 without a word. Refused, naming the option, rather than silently ten times off.
    /// </summary>
    private static string? DecimalComma(ParseResult parse)
    {
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            foreach (var option in result.Children.OfType<System.CommandLine.Parsing.OptionResult>())
            {
                var type = Nullable.GetUnderlyingType(option.Option.ValueType) ?? option.Option.ValueType;
                type = type.IsArray ? type.GetElementType()! : type;
                if (type == typeof(double) || type == typeof(float) || type == typeof(decimal) || type == typeof(int) || type == typeof(long))
                {
                    if (option.Tokens.FirstOrDefault(t => t.Value.Contains(',', StringComparison.Ordinal)) is { } token)
                    {
                        return $"{option.Option.Name} takes a number with '.' as the decimal point and no thousands separator (got '{token.Value}').";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>System.CommandLine's "as expected type 'System.Int32'" in the words of the option's values.</summary>
    internal static string Plain(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Cannot parse argument '(?<value>.*)' for (?:option|argument) '(?<name>[^']*)' as expected type '(?<type>[^']*)'\\.?$");
        if (!match.Success)
        {
            return message;
        }

        var typeName = match.Groups["type"].Value;
        var expects = Type.GetType(typeName) is { } type ? Hosting.ConfigurationCheck.Describe(type) : "a " + typeName[(typeName.LastIndexOf('.') + 1)..];
        return $"{match.Groups["name"].Value} expects {expects} (got '{match.Groups["value"].Value}').";
    }

    /// <summary>The command as typed, such as "networktwin agent status" (the root alone: the tool's name).</summary>
    private static string CommandPath(string toolName, System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(r.Command.Name);
        }

        names.Add(toolName);
        names.Reverse();
        return string.Join(' ', names);
    }
}
