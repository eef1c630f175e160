using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Outbox;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Client;

namespace NetworkTwin.Agent.Sync;

/// <summary>
/// The agent's link to the coordinator over gRPC. It registers (the coordinator says what it
/// already stored), then runs two streams on one connection: the uplink sends the outbox in
/// batches, oldest first, and deletes each one only once the coordinator has acknowledged storing
/// it; the downlink receives commands, applies each once and acknowledges it. While the
/// coordinator is away the outbox simply grows; the worker retries with backoff and resumes where
/// the acknowledgements stopped.
/// </summary>
internal sealed partial class SyncWorker(IOptions<AgentOptions> options, ResultOutbox outbox, CommandApplier commands, ILogger<SyncWorker> logger, TimeProvider time) : BackgroundService
{
    private long _sent;
    private long _acknowledged;
    private bool _connected;
    private string? _lastError;

    public CoordinatorStatus? Status()
    {
        var c = options.Value.Coordinator;
        return string.IsNullOrWhiteSpace(c.Address) ? null : new CoordinatorStatus(c.Address, Volatile.Read(ref _connected), Interlocked.Read(ref _sent), Interlocked.Read(ref _acknowledged), Volatile.Read(ref _lastError));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Coordinator;
        if (string.IsNullOrWhiteSpace(settings.Address))
        {
            return;
        }

        var agentId = options.Value.AgentId;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(new Uri(settings.Address), agentId, settings.BatchSize, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RpcException ex)
            {
                failures++;
                Failed(ex.StatusCode == RpcStatusCode.Unavailable ? ex.Detail : $"{ex.StatusCode}: {ex.Detail}", failures, settings.Address);
            }

            Volatile.Write(ref _connected, false);
            var ceiling = Math.Min(settings.ReconnectMaxSeconds, settings.ReconnectMinSeconds * Math.Pow(2, Math.Min(failures, 20)));
            try
            {
                await Task.Delay(TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2)), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Failed(string reason, int failures, string address)
    {
        Volatile.Write(ref _lastError, reason);
        if (failures == 1)
        {
            var pending = outbox.Counts().Pending;
            Log.Unreachable(logger, address, reason, pending);
        }
    }

    private async Task RunAsync(Uri address, string agentId, int batchSize, CancellationToken stoppingToken)
    {
        var settings = options.Value.Coordinator;
        using var certificate = string.IsNullOrWhiteSpace(settings.ClientCertificateFile)
            ? null
            : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(settings.ClientCertificateFile, settings.ClientKeyFile);
        using var channel = new RpcChannel(address, string.IsNullOrWhiteSpace(settings.CaFile) ? null : NetworkTwin.Rpc.Security.TrustedCa.From(settings.CaFile), clientCertificate: certificate);
        var registration = new RegisterRequest { AgentId = agentId, Site = options.Value.Site, Version = typeof(SyncWorker).Assembly.GetName().Version?.ToString() ?? "0" };
        registration.Capabilities.AddRange(["fronthaul-window", "capacity-sizing"]);
        var token = options.Value.Coordinator.Token;
        Dictionary<string, string>? headers = string.IsNullOrEmpty(token) ? null : new() { ["authorization"] = $"Bearer {token}" };
        var reply = await channel.UnaryAsync(AgentSyncMethods.Register, registration, new RpcCallOptions { Timeout = TimeSpan.FromSeconds(10), CancellationToken = stoppingToken, Headers = headers }).ConfigureAwait(false);

        // What the coordinator already has (sent before a crash, its ack lost) is not sent again.
        outbox.AcknowledgeThrough(reply.LastSequenceStored);
        Volatile.Write(ref _connected, true);
        Volatile.Write(ref _lastError, null);
        Log.Connected(logger, address.ToString(), agentId, reply.LastSequenceStored, outbox.Counts().Pending);

        // Either stream failing ends both; the outer loop reconnects.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var uplink = UplinkAsync(channel, agentId, batchSize, headers, linked.Token);
        var downlink = DownlinkAsync(channel, agentId, headers, linked.Token);
        var first = await Task.WhenAny(uplink, downlink).ConfigureAwait(false);
        await linked.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(uplink, downlink).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && first.IsFaulted)
        {
            await first.ConfigureAwait(false);
        }
    }

    private async Task UplinkAsync(RpcChannel channel, string agentId, int batchSize, Dictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var call = channel.Duplex(AgentSyncMethods.Uplink, new RpcCallOptions { CancellationToken = cancellationToken, Headers = headers });
        await using var acks = call.Responses.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = outbox.Peek(batchSize);
                if (batch.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var message = new UplinkBatch { AgentId = agentId };
                message.Results.AddRange(batch);
                await call.Requests.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                if (!await acks.MoveNextAsync().ConfigureAwait(false))
                {
                    throw new RpcException(RpcStatusCode.Unavailable, "the coordinator closed the uplink");
                }

                // Delete only what the coordinator says it has stored.
                outbox.AcknowledgeThrough(acks.Current.StoredThrough);
                Interlocked.Add(ref _sent, batch.Count);
                Interlocked.Exchange(ref _acknowledged, acks.Current.StoredThrough);
            }
        }
        finally
        {
            call.Requests.TryComplete();
        }
    }

    /// <summary>Applies each command as it arrives and acknowledges it; a command whose acknowledgement was lost comes again and is acknowledged again.</summary>
    private async Task DownlinkAsync(RpcChannel channel, string agentId, Dictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var options = new RpcCallOptions { CancellationToken = cancellationToken, Headers = headers };
        await foreach (var command in channel.ServerStreamingAsync(AgentSyncMethods.Downlink, new DownlinkRequest { AgentId = agentId }, options).ConfigureAwait(false))
        {
            if (command.AgentId != agentId)
            {
                Log.NotOurs(logger, command.CommandId, command.AgentId);
                continue;
            }

            var ack = commands.Apply(command);
            await channel.UnaryAsync(AgentSyncMethods.Acknowledge, ack, options with { Timeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
        }

        throw new RpcException(RpcStatusCode.Unavailable, "the coordinator closed the downlink");
    }

    private static partial class Log
    {
        [LoggerMessage(8003, LogLevel.Warning, "Ignored command {CommandId}: it is addressed to agent {AgentId}, not this one")]
        public static partial void NotOurs(ILogger logger, long commandId, string agentId);

        [LoggerMessage(8001, LogLevel.Information, "Connected to the coordinator {Address} as {AgentId}; it has stored through sequence {Stored}, {Pending} result(s) to send")]
        public static partial void Connected(ILogger logger, string address, string agentId, long stored, long pending);

        [LoggerMessage(8002, LogLevel.Warning, "Cannot reach the coordinator {Address}: {Reason}. Results wait in the outbox ({Pending} now) and are sent when it is back")]
        public static partial void Unreachable(ILogger logger, string address, string reason, long pending);
    }
}
