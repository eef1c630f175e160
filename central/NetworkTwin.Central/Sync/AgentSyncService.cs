using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Sync;

/// <summary>The agents' side of the coordinator: registration, idempotent ingest of result batches, and the command downlink with acknowledgements.</summary>
internal sealed partial class AgentSyncService(
    CoordinatorRepository repository,
    AgentAuthenticator authenticator,
    Limits.AgentLimits limits,
    CommandSignal signal,
    CoordinatorMetrics metrics,
    TimeProvider time,
    [Microsoft.Extensions.DependencyInjection.FromKeyedServices(AgentSyncService.ClockWarnings)] KeyedLogGate clockWarnings,
    ILogger<AgentSyncService> logger) : AgentSync.AgentSyncBase
{
    /// <summary>Results in one batch at most; a bigger batch is refused with RESOURCE_EXHAUSTED.</summary>
    public const int MaxBatch = 5000;

    /// <summary>The key of the gate that warns about each agent's clock at most every 10 minutes (the service is made per call).</summary>
    public const string ClockWarnings = "agent-clock-warnings";

    /// <summary>How often an open downlink looks for commands even without a signal (another coordinator may have issued them).</summary>
    private static readonly TimeSpan DownlinkPoll = TimeSpan.FromSeconds(5);

    public override async Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.AgentId) || request.AgentId.Length > 128)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "agent_id must be 1..128 characters"));
        }

        authenticator.Check(context, request.AgentId);
        limits.Call(request.AgentId, "register");
        var stored = await RepositoryAsync(request.AgentId, "register", repository.Agents.RegisterAsync(request)).ConfigureAwait(false);
        metrics.Registered();
        Log.Registered(logger, request.AgentId, request.Site, request.Version, stored, context.Peer ?? "?");
        return new RegisterReply { LastSequenceStored = stored, ServerTimeUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds() };
    }

    public override async Task Uplink(IAsyncStreamReader<UplinkBatch> requestStream, IServerStreamWriter<UplinkAck> responseStream, ServerCallContext context)
    {
        metrics.UplinkOpened();
        IDisposable? stream = null;
        string? agentId = null;
        try
        {
            await foreach (var batch in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                agentId ??= batch.AgentId;
                if (batch.Results.Count > MaxBatch)
                {
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, $"batch of {batch.Results.Count} results is over the limit of {MaxBatch}"));
                }

                authenticator.Check(context, batch.AgentId);

                ClockAhead(batch);

                // The stream counts against its agent from the first batch (the first message names the agent); a
                // flooding agent waits here for its own tokens, so only its acknowledgements slow.
                stream ??= limits.Stream(batch.AgentId, "uplink");
                await limits.ResultsAsync(batch.AgentId, batch.Results.Count, context.CancellationToken).ConfigureAwait(false);

                // Under the agent's span for the batch; the link results keep this span's context for the decisions made from them.
                using var span = TraceContext.StartFrom(CoordinatorTracing.Source, "store uplink batch", ActivityKind.Consumer, batch.TraceParent);
                var (inserted, through) = await RepositoryAsync(batch.AgentId, "store a batch", repository.Results.StoreAsync(batch.AgentId, batch.Results, TraceContext.Of(span))).ConfigureAwait(false);
                span?.SetTag("networktwin.agent_id", batch.AgentId)
                    .SetTag("networktwin.results", batch.Results.Count)
                    .SetTag("networktwin.inserted", inserted)
                    .SetTag("networktwin.stored_through", through);
                metrics.Stored(inserted, batch.Results.Count - inserted);
                if (inserted < batch.Results.Count)
                {
                    Log.Duplicates(logger, batch.AgentId, batch.Results.Count - inserted);
                }

                await responseStream.WriteAsync(new UplinkAck { StoredThrough = through }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && context.CancellationToken.IsCancellationRequested))
        {
            // The agent reset the stream (it stopped, or gave up on a slow acknowledgement), the connection dropped, or the
            // coordinator is stopping: an ordinary end, not a fault. Every batch acknowledged is stored; the agent resends the rest.
            Log.UplinkEnded(logger, agentId ?? "(before its first batch)", ex.Message);
        }
        finally
        {
            stream?.Dispose();
            metrics.UplinkClosed();
        }
    }

    /// <summary>
    /// A repository call for an agent. When the database is away (restarting, unreachable) the agent gets UNAVAILABLE,
    /// which it retries with back-off while its outbox keeps the results, and the log gets one line naming the cause
    /// rather than a handler's stack trace.
    /// </summary>
    private T Repository<T>(string agentId, string what, Func<T> call)
    {
        try
        {
            return call();
        }
        catch (System.Data.Common.DbException ex)
        {
            throw Unavailable(agentId, what, ex);
        }
    }

    private RpcException Unavailable(string agentId, string what, System.Data.Common.DbException ex)
    {
        Log.RepositoryUnavailable(logger, what, agentId, ex.Message);
        return new RpcException(new Status(StatusCode.Unavailable, $"the coordinator's repository is unavailable ({ex.GetType().Name}); results stay in the agent's outbox"));
    }

    /// <summary><see cref="RepositoryAsync(string, string, Task)"/> for a call that returns a value.</summary>
    private async Task<T> RepositoryAsync<T>(string agentId, string what, Task<T> call)
    {
        await RepositoryAsync(agentId, what, (Task)call).ConfigureAwait(false);
        return await call.ConfigureAwait(false);
    }

    /// <summary><see cref="Repository{T}"/> for a call under way.</summary>
    private async Task RepositoryAsync(string agentId, string what, Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (System.Data.Common.DbException ex)
        {
            throw Unavailable(agentId, what, ex);
        }
    }

    /// <summary>
    /// Results stamped more than a minute after the coordinator's own time come from an agent whose clock runs ahead
    /// (stepped, or NTP gone): logged once per ten minutes per agent. Stamps behind are not judged: a backlog sent after
    /// an outage is old by right.
    /// </summary>
    private void ClockAhead(UplinkBatch batch)
    {
        if (batch.Results.Count == 0)
        {
            return;
        }

        var ahead = (batch.Results.Max(r => r.ProducedUnixMs) - time.GetUtcNow().ToUnixTimeMilliseconds()) / 1000.0;
        if (ahead > 60 && clockWarnings.ShouldLog(batch.AgentId))
        {
            Log.ClockAhead(logger, batch.AgentId, ahead);
        }
    }

    public override async Task Downlink(DownlinkRequest request, IServerStreamWriter<Command> responseStream, ServerCallContext context)
    {
        authenticator.Check(context, request.AgentId);
        using var stream = limits.Stream(request.AgentId, "command downlink");
        Log.DownlinkOpened(logger, request.AgentId);
        metrics.DownlinkOpened();
        try
        {
            var sentThrough = 0L;
            while (!context.CancellationToken.IsCancellationRequested)
            {
                foreach (var command in Repository(request.AgentId, "read pending commands", () => repository.Commands.Pending(request.AgentId, sentThrough)))
                {
                    await responseStream.WriteAsync(command, context.CancellationToken).ConfigureAwait(false);
                    sentThrough = command.CommandId;
                }

                await signal.WaitAsync(request.AgentId, DownlinkPoll, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The agent went away or the coordinator is stopping: the stream simply ends.
        }
        finally
        {
            metrics.DownlinkClosed();
        }
    }

    public override Task<CommandAckReply> Acknowledge(CommandAck request, ServerCallContext context)
    {
        authenticator.Check(context, request.AgentId);
        limits.Call(request.AgentId, "command acknowledgement");
        var known = Repository(request.AgentId, "record a command acknowledgement", () => repository.Commands.Acknowledge(request.AgentId, request.CommandId, request.Applied, request.Detail));
        metrics.CommandAcknowledged();
        Log.CommandOutcome(logger, request.AgentId, request.CommandId, request.Applied ? "applied" : "refused", request.Detail, known);
        return Task.FromResult(new CommandAckReply { Known = known });
    }

    private static partial class Log
    {
        [LoggerMessage(7003, LogLevel.Information, "Agent {AgentId} opened its command downlink")]
        public static partial void DownlinkOpened(ILogger logger, string agentId);

        [LoggerMessage(7004, LogLevel.Information, "Agent {AgentId} {Outcome} command {CommandId}: {Detail} (pending before: {Known})")]
        public static partial void CommandOutcome(ILogger logger, string agentId, long commandId, string outcome, string detail, bool known);

        [LoggerMessage(7001, LogLevel.Information, "Agent {AgentId} (site {Site}, version {Version}) registered from {Peer}; stored through sequence {Stored}")]
        public static partial void Registered(ILogger logger, string agentId, string site, string version, long stored, string peer);

        [LoggerMessage(7005, LogLevel.Warning, "Agent {AgentId} stamps its results {Seconds:0} s ahead of the coordinator's clock: its clock was stepped or has lost NTP. Times on its results, forecasts and decisions are off by as much (logged once per ten minutes per agent)")]
        public static partial void ClockAhead(ILogger logger, string agentId, double seconds);

        [LoggerMessage(7006, LogLevel.Error, "Cannot {What} for agent {AgentId}: the repository failed ({Reason}). The agent is told UNAVAILABLE and resends; check the database")]
        public static partial void RepositoryUnavailable(ILogger logger, string what, string agentId, string reason);

        [LoggerMessage(7007, LogLevel.Information, "Agent {AgentId}'s uplink ended before the agent completed it ({Reason}): what was acknowledged is stored, the agent resends the rest")]
        public static partial void UplinkEnded(ILogger logger, string agentId, string reason);

        [LoggerMessage(7002, LogLevel.Information, "Agent {AgentId} resent {Count} result(s) already stored (a lost acknowledgement); kept once")]
        public static partial void Duplicates(ILogger logger, string agentId, int count);
    }
}
