using System.CommandLine;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Recommendations(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("recommendations", "Advice per discovered link: its sizing scaled by the forecast growth, or why the forecast cannot be trusted now.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListRecommendationsAsync(new RecommendationsRequest { PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
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
}
