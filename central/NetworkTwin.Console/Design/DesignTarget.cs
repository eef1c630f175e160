using System.CommandLine;
using NetworkTwin.Console.Cli;

namespace NetworkTwin.Console.Design;

/// <summary>
/// Where a design command runs and records: at the coordinator when one is configured (--coordinator, else
/// NETWORKTWIN_COORDINATOR, else the current context), so the team shares one history; here, in the local history file,
/// without one, or with --local or an explicit --history.
/// </summary>
internal sealed class DesignTarget
{
    private DesignTarget(Option<FileInfo> history)
    {
        History = history;
        Coordinator = new Option<string?>("--coordinator", "--publish")
        {
            Description = "Run at this coordinator (http:// or https://) and record in its shared history (else NETWORKTWIN_COORDINATOR, else the current context; with none, it runs here).",
        };
    }

    public Option<FileInfo> History { get; }

    public Option<string?> Coordinator { get; }

    public Option<string?> Token { get; } = NetworkTwin.Console.Coordinator.CoordinatorCommands.Token();

    public Option<FileInfo?> Ca { get; } = NetworkTwin.Console.Coordinator.CoordinatorCommands.CaFile;

    public Option<bool> Local { get; } = new("--local") { Description = "Run here and record in the local history file even when a coordinator is configured." };

    /// <summary>The options, with the local history file's.</summary>
    public static DesignTarget Create() => new(new Option<FileInfo>("--history")
    {
        Description = "Local SQLite file where runs without a coordinator are recorded and read back (default: in your local application data).",
        DefaultValueFactory = _ => new FileInfo(DesignHistoryStore.DefaultPath),
    });

    public void AddTo(Command command)
    {
        command.Add(History);
        command.Add(Coordinator);
        command.Add(Token);
        command.Add(Ca);
        command.Add(Local);
    }

    /// <summary>The coordinator to run at, or null to run here.</summary>
    public string? Address(ParseResult parse)
    {
        var flag = parse.GetValue(Coordinator);
        var local = parse.GetValue(Local) || parse.GetResult(History) is { Implicit: false };
        if (flag is { Length: > 0 })
        {
            return local ? throw new CliUsageException("--coordinator runs at the coordinator, which keeps the history; --local and --history are for runs here: give one or the other.") : flag;
        }

        return local ? null : NetworkTwin.Console.Coordinator.CoordinatorCommands.Configured();
    }

    /// <summary>The coordinator to talk to; the commands that only exist there say so without one.</summary>
    public string RequiredAddress(ParseResult parse, string what) => Address(parse) ?? throw NoCoordinator(what);

    /// <summary>
    /// The coordinator a local file's history goes to (import-history names the file with --history, so an explicit
    /// --history does not mean "here"): --coordinator, else the configured one.
    /// </summary>
    public string ImportAddress(ParseResult parse) =>
        parse.GetValue(Coordinator) is { Length: > 0 } flag ? flag : NetworkTwin.Console.Coordinator.CoordinatorCommands.Configured() ?? throw NoCoordinator("The shared design history");

    private static CliUsageException NoCoordinator(string what) =>
        new($"{what} is kept by the coordinator: give --coordinator, set NETWORKTWIN_COORDINATOR, or use a context (networktwin context set).");

    public string HistoryPath(ParseResult parse) => parse.GetRequiredValue(History).FullName;
}
