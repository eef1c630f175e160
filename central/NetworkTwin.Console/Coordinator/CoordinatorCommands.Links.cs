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
    public static Command Links(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var site = new Option<string?>("--site") { Description = "Only this site." };
        var command = new Command("links", "The latest capacity result of every link, from every agent.") { address, token, site, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), AllPages((c, o, page) => c.ListLinksAsync(new ListLinksRequest { Site = parse.GetValue(site) ?? string.Empty, PageToken = page }, o.Options()).ResponseAsync, l => l.NextPageToken, l => l.NextPageToken = string.Empty), ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("site", "agent", "link", "cells", "capacity Gbit/s", "peak", "mean", "loss %", "as of");
            foreach (var l in list.Links)
            {
                table.AddRow(
                    Markup.Escape(l.Site),
                    Markup.Escape(l.AgentId),
                    LinkLabel(l.DiscoveredLinkId, l.Link.LinkId),
                    string.Join(",", l.Link.Cells),
                    Invariant($"{l.Link.CapacityGbps:0.00}"),
                    Invariant($"{l.Link.PeakGbps:0.00}"),
                    Invariant($"{l.Link.MeanGbps:0.00}"),
                    double.IsNaN(l.Link.ObservedLossPercent) ? "-" : Invariant($"{l.Link.ObservedLossPercent:0.000}"),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(l.ProducedUnixMs):HH:mm:ss}"));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }
}
