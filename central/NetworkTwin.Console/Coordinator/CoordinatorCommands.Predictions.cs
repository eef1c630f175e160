using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

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
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListForecastsAsync(new ListForecastsRequest { AgentId = parse.GetValue(agent) ?? string.Empty, PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
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
}
