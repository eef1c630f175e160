using System.CommandLine;
using Google.Protobuf;
using Spectre.Console;

namespace NetworkTwin.Console.Cli;

/// <summary>
/// <c>-o table|json</c> (<c>--output</c>) on every command that prints the coordinator's data: tables for people,
/// or the reply as JSON for scripts. The JSON is the operators' API message in protobuf's JSON mapping
/// (shared/NetworkTwin.Contracts/Protos/operators.proto documents every field): lowerCamelCase names, 64-bit
/// numbers as strings, NaN as "NaN", every field present even when zero, so its shape does not change with the data.
/// </summary>
public static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    /// <summary>The root's option, inherited by every sub-command.</summary>
    public static readonly Option<string> Option = CreateOption();

    private static Option<string> CreateOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (default) for people, json for scripts (the API message, every field present).",
            DefaultValueFactory = _ => Table,
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }

    /// <summary>True when -o json was asked for.</summary>
    public static bool IsJson(ParseResult parse) => string.Equals(parse.GetValue(Option), Json, StringComparison.Ordinal);

    /// <summary>Writes the reply as JSON when -o json was asked for (then the caller prints nothing else); false otherwise.</summary>
    public static bool TryWriteJson(ParseResult parse, IAnsiConsole console, IMessage reply)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (!IsJson(parse))
        {
            return false;
        }

        // Raw, not through Spectre's markup and wrapping: a script reads it.
        console.Profile.Out.Writer.WriteLine(Formatter.Format(reply));
        return true;
    }
}
