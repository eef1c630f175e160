using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Outbox;
using NetworkTwin.Agent.Status;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Hosting.Observability;

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
    private string? _address;

    /// <summary>The coordinator this agent is connected to, or tries next, and how it goes.</summary>
    public CoordinatorStatus? Status()
    {
        var c = options.Value.Coordinator;
        return c.Addresses.Count == 0 ? null : new CoordinatorStatus(Volatile.Read(ref _address) ?? c.Addresses[0], Volatile.Read(ref _connected), Interlocked.Read(ref _sent), Interlocked.Read(ref _acknowledged), Volatile.Read(ref _lastError));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Coordinator;
        var addresses = settings.Addresses;
        if (addresses.Count == 0)
        {
            return;
        }

        var agentId = options.Value.AgentId;
        var failures = 0;
        for (var attempt = 0; !stoppingToken.IsCancellationRequested; attempt++)
        {
            // With several addresses, each failure moves on to the next: a replica that is down is left for one that is up.
            var address = addresses[attempt % addresses.Count];
            Volatile.Write(ref _address, address);
            var channel = Open(settings, address, out var certificate, out var tlsProblem);
            if (channel is null)
            {
                // The TLS files are read again on every connection, so a renewal is picked up; one caught half written
                // (or broken) is an outage with its reason, retried, not the end of the agent.
                failures++;
                Failed($"the TLS files (Agent:Coordinator:CaFile, ClientCertificateFile, ClientKeyFile) do not load: {tlsProblem}", failures, address);
            }
            else
            {
                try
                {
                    await RunAsync(channel, address, agentId, settings.BatchSize, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (OutageReason(ex) is { } reason)
                {
                    // A connection that was up ends an outage: this failure starts a new one, logged, with a short back-off.
                    failures = Volatile.Read(ref _connected) ? 1 : failures + 1;
                    Failed(reason, failures, address);
                }
                finally
                {
                    channel.Dispose();
                    certificate?.Dispose();
                }
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

    /// <summary>
    /// Why a connection that was tried ended, in words: the call's status, or the transport's own error, which
    /// grpc-dotnet lets through unwrapped when a stream breaks in the middle of a write (an HTTP/2 reset, a closed
    /// socket). Null for anything else: a fault of the agent, which stops the worker.
    /// </summary>
    internal static string? OutageReason(Exception ex) => ex switch
    {
        RpcException { StatusCode: StatusCode.Unavailable } rpc => CoordinatorChannel.Describe(rpc),
        RpcException rpc => $"{rpc.StatusCode}: {CoordinatorChannel.Describe(rpc)}",
        IOException or HttpRequestException => $"the connection broke: {ex.GetBaseException().Message}",
        _ => null,
    };

    private void Failed(string reason, int failures, string address)
    {
        Volatile.Write(ref _lastError, reason);
        if (failures == 1)
        {
            var pending = outbox.Counts().Pending;
            Log.Unreachable(logger, address, reason, pending);
        }
    }

    /// <summary>A channel with the TLS files as they are now, or null and why they do not load.</summary>
    private static GrpcChannel? Open(AgentOptions.CoordinatorOptions settings, string address, out X509Certificate2? certificate, out string? problem)
    {
        certificate = null;
        try
        {
            certificate = string.IsNullOrWhiteSpace(settings.ClientCertificateFile)
                ? null
                : X509Certificate2.CreateFromPemFile(settings.ClientCertificateFile, settings.ClientKeyFile);
            problem = null;
            return CoordinatorChannel.Create(new CoordinatorChannelSettings
            {
                Address = new Uri(address),
                CaFile = string.IsNullOrWhiteSpace(settings.CaFile) ? null : settings.CaFile,
                ClientCertificate = certificate,
            });
        }
        catch (Exception ex) when (NetworkTwin.Hosting.Security.PemFiles.IsLoadFailure(ex))
        {
            certificate?.Dispose();
            certificate = null;
            problem = NetworkTwin.Hosting.Security.PemFiles.Reason(ex);
            return null;
        }
    }

    private async Task RunAsync(GrpcChannel channel, string address, string agentId, int batchSize, CancellationToken stoppingToken)
    {
        var client = new AgentSync.AgentSyncClient(channel);
        var registration = new RegisterRequest { AgentId = agentId, Site = options.Value.Site, Version = NetworkTwin.Hosting.ProductVersion.Text };
        registration.Capabilities.AddRange(["fronthaul-window", "capacity-sizing"]);
        var headers = CoordinatorChannel.Bearer(options.Value.Coordinator.Token);
        var reply = await client.RegisterAsync(registration, headers, DateTime.UtcNow.AddSeconds(10), stoppingToken).ConfigureAwait(false);

        // What the coordinator already has (sent before a crash, its ack lost) is not sent again.
        outbox.AcknowledgeThrough(reply.LastSequenceStored);
        Volatile.Write(ref _connected, true);
        Volatile.Write(ref _lastError, null);
        Log.Connected(logger, address, agentId, reply.LastSequenceStored, outbox.Counts().Pending);

        // Either stream failing ends both; the outer loop reconnects.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var uplink = UplinkAsync(client, agentId, batchSize, headers, linked.Token);
        var downlink = DownlinkAsync(client, agentId, headers, linked.Token);
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

    private async Task UplinkAsync(AgentSync.AgentSyncClient client, string agentId, int batchSize, Metadata? headers, CancellationToken cancellationToken)
    {
        using var call = client.Uplink(headers, cancellationToken: cancellationToken);
        var acks = call.ResponseStream;
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

                // Each batch starts a trace: the coordinator stores it, decides on it and sends commands under it.
                using var span = TraceContext.StartFrom(AgentTracing.Source, "uplink batch", ActivityKind.Producer, null);
                span?.SetTag("networktwin.agent_id", agentId)
                    .SetTag("networktwin.results", batch.Count)
                    .SetTag("networktwin.sequence.first", batch[0].Sequence)
                    .SetTag("networktwin.sequence.last", batch[^1].Sequence);
                var message = new UplinkBatch { AgentId = agentId, TraceParent = TraceContext.Of(span) };
                message.Results.AddRange(batch);
                await call.RequestStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                if (!await acks.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    span?.SetStatus(ActivityStatusCode.Error, "the coordinator closed the uplink");
                    throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the coordinator closed the uplink"));
                }

                // Delete only what the coordinator says it has stored.
                span?.SetTag("networktwin.stored_through", acks.Current.StoredThrough);
                outbox.AcknowledgeThrough(acks.Current.StoredThrough);
                Interlocked.Add(ref _sent, batch.Count);
                Interlocked.Exchange(ref _acknowledged, acks.Current.StoredThrough);
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Applies each command as it arrives and acknowledges it; a command whose acknowledgement was lost comes again and is acknowledged again.</summary>
    private async Task DownlinkAsync(AgentSync.AgentSyncClient client, string agentId, Metadata? headers, CancellationToken cancellationToken)
    {
        try
        {
            using var call = client.Downlink(new DownlinkRequest { AgentId = agentId }, headers, cancellationToken: cancellationToken);
            await foreach (var command in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (command.AgentId != agentId)
                {
                    Log.NotOurs(logger, command.CommandId, command.AgentId);
                    continue;
                }

                // Under the coordinator's span that issued the command; the acknowledgement's call carries this span in its headers.
                using var span = TraceContext.StartFrom(AgentTracing.Source, "apply command", ActivityKind.Consumer, command.TraceParent);
                span?.SetTag("networktwin.agent_id", agentId)
                    .SetTag("networktwin.command_id", command.CommandId)
                    .SetTag("networktwin.command", command.BodyCase.ToString());
                var (ack, seenBefore) = commands.Apply(command);
                span?.SetTag("networktwin.applied", ack.Applied).SetTag("networktwin.seen_before", seenBefore);
                if (!ack.Applied)
                {
                    span?.SetStatus(ActivityStatusCode.Error, ack.Detail);
                }

                await client.AcknowledgeAsync(ack, headers, DateTime.UtcNow.AddSeconds(10), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "the coordinator closed the downlink"));
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
