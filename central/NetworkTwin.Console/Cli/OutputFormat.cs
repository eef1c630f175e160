using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Spectre.Console;
using YamlDotNet.Serialization;

namespace NetworkTwin.Console.Cli;

/// <summary>
/// <c>-o table|json|yaml</c> (<c>--output</c>) on every command that prints data: tables for people, or the
/// reply as a document for scripts. For the coordinator's commands the document is the operators' API message
/// in protobuf's JSON mapping (shared/NetworkTwin.Contracts/Protos/operators.proto documents every field):
/// lowerCamelCase names, 64-bit numbers as strings, NaN as "NaN", every field present even when zero, so its
/// shape does not change with the data. YAML is the same document, key for key.
/// </summary>
public static class OutputFormat
{
    public const string Table = "table";
    public const string Json = "json";
    public const string Yaml = "yaml";

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    private static readonly ISerializer YamlWriter = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    /// <summary>The root's option, inherited by every sub-command.</summary>
    public static readonly Option<string> Option = CreateOption();

    private static Option<string> CreateOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table (default) for people; json or yaml for scripts (the API message, every field present).",
            DefaultValueFactory = _ => Table,
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(Table, Json, Yaml);
        return option;
    }

    /// <summary>
    /// The console for what people read: <paramref name="console"/>, or one that shows nothing when a document was asked
    /// for, so that a command's progress and tables do not mix with the document a script reads.
    /// </summary>
    public static IAnsiConsole ForPeople(ParseResult parse, IAnsiConsole console) => IsDocument(parse)
        ? AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(TextWriter.Null) })
        : console;

    /// <summary>True when -o json or -o yaml was asked for: the command prints one document and nothing else.</summary>
    public static bool IsDocument(ParseResult parse) => parse.GetValue(Option) is Json or Yaml;

    /// <summary>Writes the reply as JSON or YAML when one was asked for (then the caller prints nothing else); false otherwise.</summary>
    public static bool TryWrite(ParseResult parse, IAnsiConsole console, IMessage reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return IsDocument(parse) && TryWrite(parse, console, Formatter.Format(reply));
    }

    /// <summary>Writes a JSON document as asked (JSON as it is, or the same document as YAML); false for tables.</summary>
    public static bool TryWrite(ParseResult parse, IAnsiConsole console, string json)
    {
        ArgumentNullException.ThrowIfNull(console);
        var format = parse.GetValue(Option);
        if (format is not (Json or Yaml))
        {
            return false;
        }

        // Raw, not through Spectre's markup and wrapping: a script reads it.
        var writer = console.Profile.Out.Writer;
        if (format == Json)
        {
            writer.WriteLine(json.TrimEnd());
            return true;
        }

        using var document = JsonDocument.Parse(json);
        writer.Write(YamlWriter.Serialize(Plain(document.RootElement)));
        return true;
    }

    /// <summary>The JSON tree as dictionaries, lists and scalars, in the same order, for the YAML writer.</summary>
    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new OrderedDictionary<string, object?>(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, Plain(p.Value)))),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
