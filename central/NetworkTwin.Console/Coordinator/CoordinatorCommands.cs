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

/// <summary><c>networktwin agents|links|topology|capacities|configure|commands</c>: the coordinator's view and commands to agents, over its operators' API.</summary>
public static partial class CoordinatorCommands
{
    internal static Option<string> Address() => new("--coordinator")
    {
        Description = "The coordinator's gRPC address (else NETWORKTWIN_COORDINATOR, else the current context's, else http://127.0.0.1:7070).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NETWORKTWIN_COORDINATOR") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : CliContext.Current()?.Coordinator is { Length: > 0 } fromContext ? fromContext : "http://127.0.0.1:7070",
    };

    /// <summary>
    /// One link identity: the coordinator's discovered link, as in topology, capacities and recommendations, with the
    /// agent's own number beside it where it differs ("1 (agent: 3)"); "? (agent: 3)" until the link map places its cells.
    /// </summary>
    internal static string LinkLabel(int discovered, int agentLink) => discovered switch
    {
        0 => Invariant($"? (agent: {agentLink})"),
        _ when discovered == agentLink => Invariant($"{discovered}"),
        _ => Invariant($"{discovered} (agent: {agentLink})"),
    };

    internal static Option<string?> Token() => new("--token") { Description = "Operator token (else NETWORKTWIN_TOKEN, else the current context's token file)." };

    internal static readonly Option<FileInfo?> CaFile = new("--ca") { Description = "PEM file of the CA that signed the coordinator's certificate (https://; else the current context's)." };

    public static Command Agents(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("agents", "Agents known to the coordinator: site, version, last seen, results stored.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListAgentsAsync(new ListAgentsRequest(), o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var now = DateTimeOffset.FromUnixTimeMilliseconds(list.ServerTimeUnixMs);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("agent", "site", "version", "last seen", "results", "stored through");
            foreach (var a in list.Agents)
            {
                var ago = now - DateTimeOffset.FromUnixTimeMilliseconds(a.LastSeenUnixMs);
                table.AddRow(Markup.Escape(a.AgentId), Markup.Escape(a.Site), Markup.Escape(a.Version), Invariant($"{ago.TotalSeconds:N0} s ago"), Invariant($"{a.ResultsStored:N0}"), Invariant($"{a.StoredThrough:N0}"));
            }

            console.Write(table);

            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Links(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var site = new Option<string?>("--site") { Description = "Only this site." };
        var command = new Command("links", "The latest capacity result of every link, from every agent.") { address, token, site, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListLinksAsync(new ListLinksRequest { Site = parse.GetValue(site) ?? string.Empty }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
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

    public static Command Topology(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var refresh = new Option<bool>("--refresh") { Description = "Discover now from the latest loss evidence instead of showing the stored map." };
        var command = new Command("topology", "The link map the coordinator discovered from every agent's loss evidence: which cells share a link.") { address, token, refresh, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var map = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.GetTopologyAsync(new GetTopologyRequest { Refresh = parse.GetValue(refresh) }, (o with { Timeout = TimeSpan.FromSeconds(120) }).Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, map))
            {
                return CliApp.ExitOk;
            }

            if (map.Version == 0)
            {
                console.WriteLine($"No link map yet. {map.Statement}");
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("link", "agents", "cells (agent:cell, mean r, clock lag ms)");
            foreach (var link in map.Links)
            {
                var cells = string.Join("  ", link.Cells.Select(c => Invariant($"{c.Cell.AgentId}:{c.Cell.CellId} ({c.MeanCorrelation:0.00}, {(double.IsNaN(c.ClockLagMs) ? "?" : c.ClockLagMs.ToString("0.0", CultureInfo.InvariantCulture))})")));
                table.AddRow(Invariant($"{link.LinkId}"), Markup.Escape(string.Join(", ", link.Agents)), Markup.Escape(cells));
            }

            if (map.Unplaced.Count > 0)
            {
                table.AddRow("-", "unplaced", Markup.Escape(string.Join("  ", map.Unplaced.Select(c => Invariant($"{c.AgentId}:{c.CellId}")))));
            }

            console.Write(table);
            console.WriteLine(Invariant($"version {map.Version}, computed {DateTimeOffset.FromUnixTimeMilliseconds(map.ComputedUnixMs):u}. {map.Statement}"));
            return CliApp.ExitOk;
        });
        return command;
    }

    public static Command Capacities(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("capacities", "Capacity per discovered link: its cells' rates and what the agents sized for their share of it.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListCapacitiesAsync(new CapacitiesRequest(), o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
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

    public static Command Configure(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var agent = new Option<string>("--agent") { Description = "The agent to reconfigure.", Required = true };
        var set = new Option<string[]>("--set") { Description = "KEY=VALUE, repeatable (for example Agent:Analysis:LossTarget=0.001).", Required = true, AllowMultipleArgumentsPerToken = true };
        var reason = new Option<string>("--reason") { Description = "Why, for the audit trail.", DefaultValueFactory = _ => $"operator {Environment.UserName}" };
        var wait = new Option<double>("--wait") { Description = "Seconds to wait for the agent's acknowledgement (0: do not wait).", DefaultValueFactory = _ => 30 };
        var command = new Command("configure", "Change an agent's analysis settings through the coordinator; the agent validates, applies and acknowledges.") { address, token, agent, set, reason, wait, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var change = new ConfigurationChange();
            foreach (var pair in parse.GetRequiredValue(set))
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0)
                {
                    throw new CliUsageException($"--set expects KEY=VALUE (got \"{pair}\").");
                }

                change.Settings[pair[..at].Trim()] = pair[(at + 1)..].Trim();
            }

            var request = new SendCommandRequest { Command = new NetworkTwin.Contracts.Sync.Command { AgentId = parse.GetRequiredValue(agent), Reason = parse.GetRequiredValue(reason), Configure = change } };
            var (addressValue, tokenValue, ca) = (parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile));
            var record = await CallAsync(addressValue, tokenValue, ca, (c, o) => c.SendCommandAsync(request, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            var json = OutputFormat.IsDocument(parse);
            if (!json)
            {
                console.WriteLine(Invariant($"command {record.Command.CommandId} sent to {record.Command.AgentId}"));
            }
            var deadline = DateTimeOffset.UtcNow.AddSeconds(Math.Clamp(parse.GetValue(wait), 0, 3600));
            while (record.State == "pending" && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                var list = await CallAsync(addressValue, tokenValue, ca, (c, o) => c.ListCommandsAsync(new ListCommandsRequest { AgentId = record.Command.AgentId, Limit = 1000 }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
                record = list.Commands.FirstOrDefault(r => r.Command.CommandId == record.Command.CommandId) ?? record;
            }

            if (!OutputFormat.TryWriteJson(parse, console, record))
            {
                console.WriteLine(record.State == "pending" ? "pending: the agent has not acknowledged it yet (it is delivered when the agent connects)" : $"{record.State}: {record.Detail}");
            }

            return record.State switch { "applied" => CliApp.ExitOk, "pending" => CliApp.ExitOk, _ => 1 };
        });
        return command;
    }

    public static Command Commands(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var agent = new Option<string?>("--agent") { Description = "Only this agent." };
        var command = new Command("commands", "Commands sent to agents, newest first, with their outcome.") { address, token, agent, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.ListCommandsAsync(new ListCommandsRequest { AgentId = parse.GetValue(agent) ?? string.Empty }, o.Options()).ResponseAsync, ct).ConfigureAwait(false);
            if (OutputFormat.TryWriteJson(parse, console, list))
            {
                return CliApp.ExitOk;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "agent", "issued", "kind", "reason", "state", "detail");
            foreach (var r in list.Commands)
            {
                table.AddRow(
                    Invariant($"{r.Command.CommandId}"),
                    Markup.Escape(r.Command.AgentId),
                    Invariant($"{DateTimeOffset.FromUnixTimeMilliseconds(r.Command.IssuedUnixMs):u}"),
                    r.Command.BodyCase.ToString(),
                    Markup.Escape(r.Command.Reason),
                    r.State,
                    Markup.Escape(r.Detail));
            }

            console.Write(table);
            return CliApp.ExitOk;
        });
        return command;
    }

    internal static async Task<T> CallAsync<T>(string address, string? token, FileInfo? ca, Func<Operators.OperatorsClient, OperatorCall, Task<T>> call, CancellationToken ct)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--coordinator must be an http:// or https:// URL (got \"{address}\").");
        }

        // Flags, then NETWORKTWIN_* variables, then the current context.
        var context = token is null || ca is null ? CliContext.Current() : null;
        token ??= Environment.GetEnvironmentVariable("NETWORKTWIN_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : context?.Token();
        ca ??= context?.Ca is { Length: > 0 } contextCa ? new FileInfo(contextCa) : null;
        if (ca is not null && !ca.Exists)
        {
            throw new CliUsageException($"--ca {ca.FullName} does not exist.");
        }

        using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = uri, CaFile = ca?.FullName });
        try
        {
            return await call(new Operators.OperatorsClient(channel), new OperatorCall(CoordinatorChannel.Bearer(token), TimeSpan.FromSeconds(10), ct)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new IOException($"The coordinator at {address} answered {ex.StatusCode}: {CoordinatorChannel.Describe(ex)}", ex);
        }
    }
}
