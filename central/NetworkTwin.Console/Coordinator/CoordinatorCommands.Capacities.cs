using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using Spectre.Console;
using static System.FormattableString;
using Command = System.CommandLine.Command;

namespace NetworkTwin.Console.Coordinator;

public static partial class CoordinatorCommands
{
    public static Command Capacities(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("capacities", "Capacity per discovered link: its cells' rates and what the agents sized for their share of it.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListCapacitiesAsync(new CapacitiesRequest { PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("link", "agents", "cells", "mean Gbit/s", "sized Gbit/s (sum)", "peak (sum)", "worst loss %");
            foreach (var l in list.Links)
            {
                table.AddRow(
                    Invariant($"{l.LinkId}"),
                    Markup.Escape(string.Join(", ", l.Agents)),
                    Invariant($"{l.Cells}"),
                    Invariant($"{l.MeanGbps:0.00}"),
                    double.IsNaN(l.CapacityGbps) ? "unknown" : Invariant($"{l.CapacityGbps:0.00}"),
                    double.IsNaN(l.PeakGbps) ? "-" : Invariant($"{l.PeakGbps:0.00}"),
                    double.IsNaN(l.MaxLossPercent) ? "-" : Invariant($"{l.MaxLossPercent:0.000}"));
            }

            console.Write(table);
            if (list.Links.Any(l => double.IsNaN(l.CapacityGbps)))
            {
                console.WriteLine("unknown: no agent's sizing falls to this link yet (each agent link counts where most of its cells are); it appears with the next results.");
            }

            console.WriteLine(Invariant($"Link map version {list.TopologyVersion}. A link served by several agents gets the sum of their sizings: an upper bound, without the multiplexing gain between them."));
            return CliApp.ExitOk;
        });
        return command;
    }
}
