using NetworkTwin.Console.Cli;
using Spectre.Console;

namespace NetworkTwin.Console.Tests;

/// <summary>Runs the real command tree in-process and captures what a user would see.</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Output)> RunAsync(params string[] args)
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
        var exit = await CliApp.RunAsync(args, console, writer);
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
