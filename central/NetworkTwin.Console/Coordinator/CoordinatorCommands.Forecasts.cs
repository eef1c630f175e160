using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin predictions</c> and <c>networktwin models [train]</c>: the agents' forecasts and the models behind them.</summary>
public static partial class CoordinatorCommands
{
    public static Command Predictions(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var agent = new Option<string?>("--agent") { Description = "Only this agent." };
        var command = new Command("predictions", "Every link's latest next-window forecast: median, 90% interval, the capacity that holds with probability 0.99, and anomalies.") { address, token, agent, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListForecastsAsync(new ListForecastsRequest { AgentId = parse.GetValue(agent) ?? string.Empty }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            if (list.Forecasts.Count == 0)
            {
                console.WriteLine("No forecasts in the last hour: the agents have no model yet (see networktwin models) or have not reported.");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("site", "agent", "link", "now Gbit/s", "next: median", "90% interval", "capacity p=0.99", "model", "as of");
            foreach (var f in list.Forecasts)
            {
                var p = f.Forecast;
                table.AddRow(
                    Markup.Escape(f.Site),
                    Markup.Escape(f.AgentId),
                    LinkLabel(f.DiscoveredLinkId, p.LinkId),
                    (p.Anomaly ? "[red]" : string.Empty) + Invariant($"{p.ObservedGbps:0.000}") + (p.Anomaly ? " anomaly[/]" : string.Empty),
                    Invariant($"{p.MedianGbps:0.000}"),
                    Invariant($"{p.LowerGbps:0.000} - {p.UpperGbps:0.000}"),
                    Invariant($"{p.RequiredCapacityGbps:0.000}"),
                    Markup.Escape(Invariant($"{p.ModelName} v{p.ModelVersion}")),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(f.ProducedUnixMs):HH:mm:ss}"));
            }

            console.Write(table);
            console.WriteLine(Invariant($"next = the window {list.Forecasts[0].Forecast.StepSeconds:0.###} s ahead. anomaly = the window just seen fell outside the previous forecast's 90% interval."));
            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Recommendations(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("recommendations", "Advice per discovered link: its sizing scaled by the forecast growth, or why the forecast cannot be trusted now.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListRecommendationsAsync(new RecommendationsRequest(), o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            if (list.Links.Count == 0)
            {
                console.WriteLine("No discovered links yet: recommendations follow the link map (networktwin topology --refresh).");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("link", "agents", "sized Gbit/s", "load now", "next 99%", "recommended", "action", "anomalies (10 min)", "why");
            foreach (var r in list.Links)
            {
                var action = r.Action switch
                {
                    "grow" => "[yellow]grow[/]",
                    "investigate" => "[red]investigate[/]",
                    "hold" => "[green]hold[/]",
                    _ => Markup.Escape(r.Action),
                };
                table.AddRow(
                    Invariant($"{r.LinkId}"),
                    Markup.Escape(string.Join(", ", r.Agents)),
                    double.IsNaN(r.SizedGbps) ? "unknown" : Invariant($"{r.SizedGbps:0.00}"),
                    double.IsNaN(r.ForecastP99Gbps) ? "-" : Invariant($"{r.MeanGbps:0.00}"),
                    double.IsNaN(r.ForecastP99Gbps) ? "-" : Invariant($"{r.ForecastP99Gbps:0.00}"),
                    double.IsNaN(r.RecommendedGbps) ? "-" : Invariant($"{r.RecommendedGbps:0.0}"),
                    action,
                    Invariant($"{r.RecentAnomalies} of {r.RecentForecasts}"),
                    Markup.Escape(r.Reason));
            }

            console.Write(table);
            console.WriteLine(Invariant($"Link map version {list.TopologyVersion}. Sized = the buffer model's capacity for the loss target now; next 99% = the forecast load the next window stays below with probability 0.99."));
            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Models(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("models", "The forecast models the coordinator trained, newest first, and whether each was shipped to the agents.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListModelsAsync(new ListModelsRequest(), o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
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
            await console.Status().StartAsync("training on the coordinator (learning from every agent's link history)...", async _ =>
            {
                record = await CallAsync(parse.GetRequiredValue(trainAddress), parse.GetValue(trainToken), parse.GetValue(CaFile), (c, o) => c.TrainModelAsync(new TrainModelRequest(), (o with { Timeout = TimeSpan.FromMinutes(10) }).Options()).ResponseAsync, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, record!))
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
                Markup.Escape(string.Join(", ", m.Agents)),
                Markup.Escape(m.Detail));
        }

        return table;
    }
}
