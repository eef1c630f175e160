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
    public static Command Topology(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var refresh = new Option<bool>("--refresh") { Description = "Discover now from the latest loss evidence instead of showing the stored map." };
        var command = new Command("topology", "The link map the coordinator discovered from every agent's loss evidence: which cells share a link.") { address, token, refresh, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var map = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.GetTopologyAsync(new GetTopologyRequest { Refresh = parse.GetValue(refresh) }, (o with { Timeout = TimeSpan.FromSeconds(120) }).Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWrite(parse, console, map))
            {
                return CliApp.ExitOk;
            }

            if (map.Version == 0)
            {
                console.WriteLine($"No link map yet. {map.Statement}");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("link", "agents", "cells (agent:cell, mean r, clock lag ms)", "clock groups (a radio unit each)", "r within / with closest link");
            foreach (var link in map.Links)
            {
                var cells = string.Join("  ", link.Cells.Select(c => Invariant($"{c.Cell.AgentId}:{c.Cell.CellId} ({c.MeanCorrelation:0.00}, {(double.IsNaN(c.ClockLagMs) ? "?" : c.ClockLagMs.ToString("0.0", CultureInfo.InvariantCulture))})")));
                var groups = string.Join(' ', link.ClockGroups.Select(g => "(" + string.Join(' ', g.Cells.Select(c => Invariant($"{c.AgentId}:{c.CellId}"))) + ")"));
                var apart = link.NextLinkId == 0
                    ? Invariant($"{link.MeanCorrelation:0.00}")
                    : Invariant($"{link.MeanCorrelation:0.00} / {link.NextLinkCorrelation:0.00} (link {link.NextLinkId})");
                table.AddRow(Invariant($"{link.LinkId}"), Markup.Escape(string.Join(", ", link.Agents)), Markup.Escape(cells), Markup.Escape(groups.Length == 0 ? "-" : groups), Markup.Escape(apart));
            }

            if (map.Unplaced.Count > 0)
            {
                table.AddRow("-", "unplaced", Markup.Escape(string.Join("  ", map.Unplaced.Select(c => Invariant($"{c.AgentId}:{c.CellId}")))), string.Empty, string.Empty);
            }

            console.Write(table);
            console.WriteLine(Invariant($"version {map.Version}, computed {DateTimeOffset.FromUnixTimeMilliseconds(map.ComputedUnixMs):u}. {map.Statement}"));
            return CliApp.ExitOk;
        });
        return command;
    }
}
