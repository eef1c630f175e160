using Spectre.Console;

namespace NetworkTwin.Console.Cli;

/// <summary>
/// The terminal the CLI writes to. Piped into a file, a pager or another tool, or with NO_COLOR set
/// (https://no-color.org), it writes plain text: no colour escapes, no redrawn tables, lines wrapped at
/// $COLUMNS (else 160) rather than 80.
/// </summary>
public static class CliConsole
{
    public static IAnsiConsole Create()
    {
        var redirected = System.Console.IsOutputRedirected;
        var plain = redirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40 ? columns : 160;
        }

        return console;
    }
}
