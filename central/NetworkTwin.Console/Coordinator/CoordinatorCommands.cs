using System.CommandLine;
using System.Globalization;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Client;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Coordinator;

/// <summary><c>networktwin agents</c> and <c>networktwin links</c>: the coordinator's view, over its operators' API.</summary>
public static class CoordinatorCommands
{
    private static Option<string> Address() => new("--coordinator") { Description = "The coordinator's gRPC address.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("NETWORKTWIN_COORDINATOR") ?? "http://127.0.0.1:7070" };

    private static Option<string?> Token() => new("--token") { Description = "Operator token (or NETWORKTWIN_TOKEN)." };

    private static readonly Option<FileInfo?> CaFile = new("--ca") { Description = "PEM file of the CA that signed the coordinator's certificate (https://)." };

    public static Command Agents(IAnsiConsole console)
    {
        var address = Address();
        var token = Token();
        var command = new Command("agents", "Agents known to the coordinator: site, version, last seen, results stored.") { address, token, CaFile };
        command.SetAction(async (parse, ct) =>
        {
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.UnaryAsync(OperatorMethods.ListAgents, new ListAgentsRequest(), o), ct).ConfigureAwait(false);
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
            var list = await CallAsync(parse.GetRequiredValue(address), parse.GetValue(token), parse.GetValue(CaFile), (c, o) => c.UnaryAsync(OperatorMethods.ListLinks, new ListLinksRequest { Site = parse.GetValue(site) ?? string.Empty }, o), ct).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("site", "agent", "link", "cells", "capacity Gbit/s", "peak", "mean", "loss %", "as of");
            foreach (var l in list.Links)
            {
                table.AddRow(
                    Markup.Escape(l.Site),
                    Markup.Escape(l.AgentId),
                    Invariant($"{l.Link.LinkId}"),
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

    private static async Task<T> CallAsync<T>(string address, string? token, FileInfo? ca, Func<RpcChannel, RpcCallOptions, Task<T>> call, CancellationToken ct)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--coordinator must be an http:// or https:// URL (got \"{address}\").");
        }

        token ??= Environment.GetEnvironmentVariable("NETWORKTWIN_TOKEN");
        if (ca is not null && !ca.Exists)
        {
            throw new CliUsageException($"--ca {ca.FullName} does not exist.");
        }

        using var channel = new RpcChannel(uri, ca is null ? null : NetworkTwin.Rpc.Security.TrustedCa.From(ca.FullName));
        var options = new RpcCallOptions
        {
            Timeout = TimeSpan.FromSeconds(10),
            CancellationToken = ct,
            Headers = string.IsNullOrEmpty(token) ? null : new Dictionary<string, string> { ["authorization"] = $"Bearer {token}" },
        };
        try
        {
            return await call(channel, options).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new IOException($"The coordinator at {address} answered {ex.StatusCode}: {ex.Detail}", ex);
        }
    }
}
