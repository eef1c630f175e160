using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Models(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("models", "The forecast models the coordinator trained, newest first, and whether each was shipped to the agents.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListModelsAsync(new ListModelsRequest { PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            if (list.Models.Count == 0)
            {
                console.WriteLine("No model trained yet: the coordinator trains once the agents have reported enough windows (Coordinator:Learning), or now with `networktwin models train`.");
                return CliApp.ExitOk;
            }

            console.Write(ModelTable(list.Models));
            return CliApp.ExitOk;
        });

        var trainAddress = Address();
        var trainToken = Token();
        var train = new Command("train", "Train a model now from the repository's history, judge it on the newest windows, and ship it if it beats the shipped one.") { trainAddress, trainToken, CaFile };
        train.SetAction(async (parse, ct) =>
        {
            ModelRecord? record = null;
            Task<ModelRecord> Train() => CallAsync(parse.GetRequiredValue(trainAddress), parse.GetValue(trainToken), parse.GetValue(CaFile), (c, o) => c.TrainModelAsync(new TrainModelRequest(), (o with { Timeout = TimeSpan.FromMinutes(10) }).Options()).ResponseAsync, ct);
            if (OutputFormat.IsDocument(parse))
            {
                // A script reads the document alone: no progress line before it.
                record = await Train().ConfigureAwait(false);
            }
            else
            {
                await console.Status().StartAsync("training on the coordinator (learning from every agent's link history)...", async _ => record = await Train().ConfigureAwait(false)).ConfigureAwait(false);
            }
            if (OutputFormat.TryWrite(parse, console, record!))
            {
                return CliApp.ExitOk;
            }

            if (record!.State == "not-trained")
            {
                console.WriteLine($"Not trained: {record.Detail}");
                return CliApp.ExitOk;
            }

            console.Write(ModelTable([record]));
            return CliApp.ExitOk;
        });
        command.Add(train);
        return command;
    }

    private static Table ModelTable(IEnumerable<ModelRecord> models)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("version", "state", "held-out WAPE", "coverage 90%", "shipped model", "last value", "links", "trained in", "agents", "why");
        foreach (var m in models)
        {
            table.AddRow(
                Invariant($"v{m.Version}"),
                m.State == "shipped" ? "[green]shipped[/]" : Markup.Escape(m.State),
                Invariant($"{m.HoldoutWape:P2}"),
                Invariant($"{m.HoldoutCoverage:P1}"),
                double.IsNaN(m.PreviousWape) ? "-" : Invariant($"{m.PreviousWape:P2}"),
                Invariant($"{m.LastValueWape:P2}"),
                Invariant($"{m.Series}"),
                Invariant($"{m.TrainSeconds:0.0} s"),
                Markup.Escape(AgentsCell(m.Agents)),
                Markup.Escape(m.Detail));
        }

        return table;
    }

    /// <summary>The agents a model went to, as its row shows them: up to 3 by name, else how many and the first 3.</summary>
    internal static string AgentsCell(IReadOnlyList<string> agents) => agents.Count <= 3
        ? string.Join(", ", agents)
        : Invariant($"{agents.Count} ({string.Join(", ", agents.Take(3))}, ...)");
}
