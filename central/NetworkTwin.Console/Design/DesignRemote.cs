using System.CommandLine;
using Grpc.Core;
using NetworkTwin.Analytics.Design;
using NetworkTwin.Console.Coordinator;
using NetworkTwin.Contracts.Design;
using Spectre.Console;

namespace NetworkTwin.Console.Design;

/// <summary>The design twin's calls to the coordinator: long runs with their progress shown as it streams, and the history's calls.</summary>
internal static class DesignRemote
{
    /// <summary>How long a single history call may take.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts a run at the coordinator and shows its progress until its reply; Ctrl-C cancels the call, and so the run.
    /// </summary>
    public static Task<DesignReply> RunAsync(IAnsiConsole console, DesignTarget target, ParseResult parse, string address, Func<Designs.DesignsClient, CallOptions, AsyncServerStreamingCall<DesignEvent>> start, CancellationToken ct) =>
        CoordinatorCommands.WithChannelAsync(address, parse.GetValue(target.Token), parse.GetValue(target.Ca), (channel, headers) =>
            DesignProgressView.ShowAsync(console, async progress =>
            {
                using var call = start(new Designs.DesignsClient(channel), new CallOptions(headers, cancellationToken: ct));
                await foreach (var item in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (item.EventCase == DesignEvent.EventOneofCase.Reply)
                    {
                        return item.Reply;
                    }

                    progress.Report(new DesignOperations.RunProgress(item.Progress.Stage, item.Progress.Done, item.Progress.Total));
                }

                throw new IOException($"The coordinator at {address} ended the run without a reply.");
            }));

    /// <summary>One call of the history's (list, report, choose, outcome, import).</summary>
    public static Task<T> CallAsync<T>(DesignTarget target, ParseResult parse, string address, Func<Designs.DesignsClient, CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct) =>
        CoordinatorCommands.WithChannelAsync(address, parse.GetValue(target.Token), parse.GetValue(target.Ca), async (channel, headers) =>
            await call(new Designs.DesignsClient(channel), new CallOptions(headers, DateTime.UtcNow + CallTimeout, ct)).ResponseAsync.ConfigureAwait(false));
}
