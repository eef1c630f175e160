using NetworkTwin.Console.Cli;
using Spectre.Console;

namespace NetworkTwin.Console.Tests;

/// <summary>Runs the real command tree in-process and captures what a user would see.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var (exit, output, _) = await RunAsync(null, args);
        return (exit, output);
    }

    /// <summary>The same, with what went to stderr (warnings) apart from what went to stdout.</summary>
    public static Task<(int Exit, string Output, string Error)> RunWithErrorAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs the lab tool's tree (demo, bench) the same way.</summary>
    public static async Task<(int Exit, string Output)> RunLabAsync(params string[] args)
    {
        var (exit, output, _) = await RunAsync(global::NetworkTwin.Lab.LabApp.Build, args);
        return (exit, output);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(Func<IAnsiConsole, System.CommandLine.RootCommand>? tree, string[] args)
    {
        var error = new StringWriter();
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var exit = tree is null
            ? await CliApp.RunAsync(args, console, writer, error)
            : await CliApp.RunAsync(tree(console), global::NetworkTwin.Lab.LabApp.Name, args, console, writer, error);
        return (exit, writer.ToString(), error.ToString());
    }

    /// <summary>The reference data beside the repository (../shared/data), as CI provides it.</summary>
    public static string ReferenceData(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetworkTwin.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", name));
        Assert.True(Directory.Exists(path), $"Reference data not found at {path}; it lives beside the repository.");
        return path;
    }
}
