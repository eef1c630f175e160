using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Server;

namespace NetworkTwin.Central.Sync;

/// <summary>The agents' side of the coordinator: registration, idempotent ingest of result batches, and the command downlink with acknowledgements.</summary>
public static partial class AgentSyncService
{
    /// <summary>Results in one batch at most; a bigger batch is refused with RESOURCE_EXHAUSTED.</summary>
    public const int MaxBatch = 5000;

    /// <summary>How often an open downlink looks for commands even without a signal (another coordinator may have issued them).</summary>
    private static readonly TimeSpan DownlinkPoll = TimeSpan.FromSeconds(5);

    public static void Map(IEndpointRouteBuilder routes, CoordinatorRepository repository, AgentAuthenticator authenticator, CommandSignal signal, CoordinatorMetrics metrics, ILogger logger)
    {
        routes.MapUnary(AgentSyncMethods.Register, (request, context) =>
        {
            if (string.IsNullOrWhiteSpace(request.AgentId) || request.AgentId.Length > 128)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "agent_id must be 1..128 characters");
            }

            authenticator.Check(context, request.AgentId);
            repository.Register(request);
            metrics.Registered();
            var stored = repository.StoredThrough(request.AgentId);
            Log.Registered(logger, request.AgentId, request.Site, request.Version, stored, context.Peer ?? "?");
            return Task.FromResult(new RegisterReply { LastSequenceStored = stored, ServerTimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });
        });

        routes.MapDuplexStreaming(AgentSyncMethods.Uplink, async (batches, acks, context) =>
        {
            metrics.UplinkOpened();
            try
            {
                await UplinkAsync(batches, acks, context).ConfigureAwait(false);
            }
            finally
            {
                metrics.UplinkClosed();
            }
        });

        async Task UplinkAsync(RpcRequestReader<UplinkBatch> batches, RpcResponseWriter<UplinkAck> acks, RpcCallContext context)
        {
            await foreach (var batch in batches.ReadAllAsync(context.CallCancelled).ConfigureAwait(false))
            {
                if (batch.Results.Count > MaxBatch)
                {
                    throw new RpcException(RpcStatusCode.ResourceExhausted, $"batch of {batch.Results.Count} results is over the limit of {MaxBatch}");
                }

                authenticator.Check(context, batch.AgentId);
                var (inserted, through) = repository.Store(batch.AgentId, batch.Results);
                metrics.Stored(inserted, batch.Results.Count - inserted);
                if (inserted < batch.Results.Count)
                {
                    Log.Duplicates(logger, batch.AgentId, batch.Results.Count - inserted);
                }

                await acks.WriteAsync(new UplinkAck { StoredThrough = through }, context.CallCancelled).ConfigureAwait(false);
            }
        }

        routes.MapServerStreaming(AgentSyncMethods.Downlink, async (request, commands, context) =>
        {
            authenticator.Check(context, request.AgentId);
            Log.DownlinkOpened(logger, request.AgentId);
            metrics.DownlinkOpened();
            try
            {
                var sentThrough = 0L;
                while (!context.CallCancelled.IsCancellationRequested)
                {
                    foreach (var command in repository.PendingCommands(request.AgentId, sentThrough))
                    {
                        await commands.WriteAsync(command, context.CallCancelled).ConfigureAwait(false);
                        sentThrough = command.CommandId;
                    }

                    await signal.WaitAsync(request.AgentId, DownlinkPoll, context.CallCancelled).ConfigureAwait(false);
                }
            }
            finally
            {
                metrics.DownlinkClosed();
            }
        });

        routes.MapUnary(AgentSyncMethods.Acknowledge, (ack, context) =>
        {
            authenticator.Check(context, ack.AgentId);
            var known = repository.AcknowledgeCommand(ack.AgentId, ack.CommandId, ack.Applied, ack.Detail);
            metrics.CommandAcknowledged();
            Log.CommandOutcome(logger, ack.AgentId, ack.CommandId, ack.Applied ? "applied" : "refused", ack.Detail, known);
            return Task.FromResult(new CommandAckReply { Known = known });
        });
    }

    private static partial class Log
    {
        [LoggerMessage(7003, LogLevel.Information, "Agent {AgentId} opened its command downlink")]
        public static partial void DownlinkOpened(ILogger logger, string agentId);

        [LoggerMessage(7004, LogLevel.Information, "Agent {AgentId} {Outcome} command {CommandId}: {Detail} (pending before: {Known})")]
        public static partial void CommandOutcome(ILogger logger, string agentId, long commandId, string outcome, string detail, bool known);

        [LoggerMessage(7001, LogLevel.Information, "Agent {AgentId} (site {Site}, version {Version}) registered from {Peer}; stored through sequence {Stored}")]
        public static partial void Registered(ILogger logger, string agentId, string site, string version, long stored, string peer);

        [LoggerMessage(7002, LogLevel.Information, "Agent {AgentId} resent {Count} result(s) already stored (a lost acknowledgement); kept once")]
        public static partial void Duplicates(ILogger logger, string agentId, int count);
    }
}
