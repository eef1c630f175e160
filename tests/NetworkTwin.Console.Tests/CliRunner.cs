using NetworkTwin.Console.Cli;
using Spectre.Console;

namespace NetworkTwin.Console.Tests;

/// <summary>Runs the real command tree in-process and captures what a user would see.</summary>
internal static class CliRunner
{
    public static Task<(int Exit, string Output)> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs the lab tool's tree (demo, bench) the same way.</summary>
    public static Task<(int Exit, string Output)> RunLabAsync(params string[] args) => RunAsync(global::NetworkTwin.Lab.LabApp.Build, args);

    private static async Task<(int Exit, string Output)> RunAsync(Func<IAnsiConsole, System.CommandLine.RootCommand>? tree, string[] args)
    {
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
            ? await CliApp.RunAsync(args, console, writer)
            : await CliApp.RunAsync(tree(console), global::NetworkTwin.Lab.LabApp.Name, args, console, writer);
        return (exit, writer.ToString());
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
