using NetworkTwin.Console.Cli;

var console = Spectre.Console.AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Piped to a file or another tool: no terminal to size by, so lines wrap at $COLUMNS (else 160) rather than 80.
    console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40 ? columns : 160;
}

return await CliApp.RunAsync(args, console).ConfigureAwait(false);
