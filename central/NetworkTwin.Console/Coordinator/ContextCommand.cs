using System.CommandLine;
using NetworkTwin.Console.Cli;
using Spectre.Console;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin context set|use|list</c>: named coordinators, so that daily commands need no flags.</summary>
public static class ContextCommand
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new() { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase };

    public static Command Create(IAnsiConsole console)
    {
        var command = new Command("context", $"Named coordinators (address, token file, CA) in {CliContext.Path}; the current one fills in what flags and NETWORKTWIN_* variables do not give.");

        var name = new Argument<string>("name") { Description = "The context's name, such as prod or lab." };
        var coordinator = new Option<string>("--coordinator") { Description = "The coordinator's gRPC address.", Required = true };
        var tokenFile = new Option<FileInfo?>("--token-file") { Description = "A file whose first line is the operator token (mode 600)." };
        var ca = new Option<FileInfo?>("--ca") { Description = "PEM file of the CA that signed the coordinator's certificate." };
        var set = new Command("set", "Add or change a context; the first one becomes current.") { name, coordinator, tokenFile, ca };
        set.SetAction(parse =>
        {
            var address = parse.GetRequiredValue(coordinator);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliUsageException($"--coordinator must be an http:// or https:// URL (got \"{address}\").");
            }

            var file = CliContext.Load(CliContext.Path);
            var key = parse.GetRequiredValue(name);
            file.Contexts[key] = new CliContext { Coordinator = address, TokenFile = parse.GetValue(tokenFile)?.FullName, Ca = parse.GetValue(ca)?.FullName };
            file.Current ??= key;
            CliContext.Save(CliContext.Path, file);
            console.WriteLine($"context {key}: {address}{(file.Current == key ? " (current)" : string.Empty)}");
            return CliApp.ExitOk;
        });

        var useName = new Argument<string>("name") { Description = "The context to use from now on." };
        var use = new Command("use", "Make a context the current one.") { useName };
        use.SetAction(parse =>
        {
            var file = CliContext.Load(CliContext.Path);
            var key = parse.GetRequiredValue(useName);
            if (!file.Contexts.TryGetValue(key, out var chosen))
            {
                throw new CliUsageException($"there is no context '{key}' (known: {(file.Contexts.Count == 0 ? "none; add one with networktwin context set" : string.Join(", ", file.Contexts.Keys))}).");
            }

            file.Current = key;
            CliContext.Save(CliContext.Path, file);
            console.WriteLine($"using context {key}: {chosen.Coordinator}");
            return CliApp.ExitOk;
        });

        var list = new Command("list", "The contexts, the current one marked.");
        list.SetAction(parse =>
        {
            var file = CliContext.Load(CliContext.Path);
            if (OutputFormat.TryWrite(parse, console, System.Text.Json.JsonSerializer.Serialize(file, Json)))
            {
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "name", "coordinator", "token file", "CA");
            foreach (var (key, context) in file.Contexts.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                table.AddRow(key == file.Current ? "*" : string.Empty, Markup.Escape(key), Markup.Escape(context.Coordinator), Markup.Escape(context.TokenFile ?? "-"), Markup.Escape(context.Ca ?? "-"));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });

        command.Add(set);
        command.Add(use);
        command.Add(list);
        return command;
    }
}
