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
        DefaultValueFactory = _ => Configured() ?? "http://127.0.0.1:7070",
    };

    /// <summary>The coordinator configured without a flag: NETWORKTWIN_COORDINATOR, else the current context's; null when neither names one.</summary>
    internal static string? Configured() =>
        Environment.GetEnvironmentVariable("NETWORKTWIN_COORDINATOR") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : CliContext.Current()?.Coordinator is { Length: > 0 } fromContext ? fromContext : null;

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

    internal static Option<string?> Token() => new("--token") { Description = "Operator token; shown to everyone by ps, so warned about: prefer NETWORKTWIN_TOKEN or the current context's token file, which are used without it." };

    internal static readonly Option<FileInfo?> CaFile = new("--ca") { Description = "PEM file of the CA that signed the coordinator's certificate (https://; else the current context's)." };

    internal static Task<T> CallAsync<T>(string address, string? token, FileInfo? ca, Func<Operators.OperatorsClient, OperatorCall, Task<T>> call, CancellationToken ct) =>
        WithChannelAsync(address, token, ca, (channel, headers) => call(new Operators.OperatorsClient(channel), new OperatorCall(headers, TimeSpan.FromSeconds(10), ct)));

    /// <summary>
    /// Opens a channel to the coordinator with the operator's token (the flag, else NETWORKTWIN_TOKEN, else the current
    /// context's token file) and CA (the flag, else the context's), runs <paramref name="call"/> on it, and turns the
    /// coordinator's refusal into an error that names it and what it said.
    /// </summary>
    internal static async Task<T> WithChannelAsync<T>(string address, string? token, FileInfo? ca, Func<Grpc.Net.Client.GrpcChannel, Metadata?, Task<T>> call)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--coordinator must be an http:// or https:// URL (got \"{address}\").");
        }

        // Flags, then NETWORKTWIN_* variables, then the current context.
        var context = token is null || ca is null ? CliContext.Current() : null;
        token ??= Environment.GetEnvironmentVariable("NETWORKTWIN_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : context?.Token();
        ca ??= context?.Ca is { Length: > 0 } contextCa ? new FileInfo(contextCa) : null;
        using var channel = Channel(uri, ca);
        try
        {
            return await call(channel, CoordinatorChannel.Bearer(token)).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw new IOException($"The coordinator at {address} answered {ex.StatusCode}: {CoordinatorChannel.Describe(ex)}", ex);
        }
    }

    /// <summary>
    /// A list call that fetches every page in turn over one channel (each page its own deadline) and returns them as one
    /// list, as the CLI shows it whole: <paramref name="page"/> asks for the page a token names (empty: the first).
    /// </summary>
    internal static Func<Operators.OperatorsClient, OperatorCall, Task<T>> AllPages<T>(Func<Operators.OperatorsClient, OperatorCall, string, Task<T>> page, Func<T, string> next, Action<T> whole)
        where T : Google.Protobuf.IMessage<T> => async (client, call) =>
    {
        var list = await page(client, call, string.Empty).ConfigureAwait(false);
        for (var token = next(list); token.Length > 0;)
        {
            var more = await page(client, call, token).ConfigureAwait(false);
            token = next(more);
            list.MergeFrom(more);
        }

        whole(list);
        return list;
    };

    /// <summary>A channel to the coordinator trusting <paramref name="ca"/> (or the system's roots); a --ca that is missing or holds no certificate is the user's to fix.</summary>
    internal static Grpc.Net.Client.GrpcChannel Channel(Uri address, FileInfo? ca)
    {
        if (ca is not null && !ca.Exists)
        {
            throw new CliUsageException($"--ca {ca.FullName} does not exist.");
        }

        try
        {
            return CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = address, CaFile = ca?.FullName });
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new CliUsageException($"--ca {ca?.FullName}: {ex.Message.TrimEnd('.')}; it must hold the PEM certificate of the CA that signed the coordinator's.");
        }
    }
}
