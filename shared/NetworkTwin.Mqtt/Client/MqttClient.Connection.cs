using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using NetworkTwin.Mqtt.Packets;

namespace NetworkTwin.Mqtt.Client;

public sealed partial class MqttClient
{
    /// <summary>Connect, run until the connection ends, back off, repeat; until stopped.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            string reason;
            var wasConnected = false;
            try
            {
                await using var connection = await ConnectAsync(stop).ConfigureAwait(false);
                wasConnected = true;
                failures = 0;
                reason = await connection.RunAsync(this, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (InvalidDataException ex)
            {
                Interlocked.Increment(ref _protocolErrors);
                reason = $"protocol error: {ex.Message}";
                Log.ProtocolError(_logger, Endpoint, ex.Message);
            }
            catch (MqttConnectionRefusedException ex)
            {
                reason = ex.Message;
                Log.Refused(_logger, Endpoint, ex.Message);
            }
            catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or TimeoutException or OperationCanceledException)
            {
                reason = ex is OperationCanceledException ? "timed out" : ex.Message;
            }
            finally
            {
                Detach();
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            failures++;
            Interlocked.Increment(ref _connectionFailures);
            lock (_gate)
            {
                _lastError = reason;
            }

            var delay = BackoffDelay(failures);
            if (wasConnected)
            {
                Log.ConnectionLost(_logger, Endpoint, reason, delay.TotalSeconds);
            }
            else
            {
                Log.ConnectFailed(_logger, Endpoint, reason, delay.TotalSeconds);
            }

            try
            {
                await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Exponential backoff with "equal jitter": half fixed, half random, so agents do not reconnect in step.</summary>
    private TimeSpan BackoffDelay(int failures)
    {
        var ceiling = Math.Min(_options.ReconnectMaxSeconds, _options.ReconnectMinSeconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromSeconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private async Task<Connection> ConnectAsync(CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        try
        {
            await socket.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        try
        {
            if (_options.Tls.Enabled)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(TlsOptions(), timeout.Token).ConfigureAwait(false);
            }

            var connection = new Connection(stream, _options.MaxPacketBytes);
            MqttPacketWriter.WriteConnect(
                connection.Writer, _options.ClientId, _options.CleanSession, (ushort)_options.KeepAliveSeconds, _options.Username, _options.Password);
            await connection.Writer.FlushAsync(timeout.Token).ConfigureAwait(false);
            var ack = await connection.ReadConnAckAsync(timeout.Token).ConfigureAwait(false);
            if (ack.ConnectReturnCode != 0)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new MqttConnectionRefusedException(ack.ConnectReturnCode);
            }

            Attach(connection, ack.SessionPresent);
            return connection;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private SslClientAuthenticationOptions TlsOptions()
    {
        var tls = _options.Tls;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName ?? _options.Host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
        if (tls.CaFile is not null)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.ImportFromPemFile(tls.CaFile);
            options.CertificateChainPolicy = policy;
        }

        if (tls.ClientCertificateFile is not null && tls.ClientKeyFile is not null)
        {
            options.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.ClientCertificateFile, tls.ClientKeyFile)];
        }

        return options;
    }

    /// <summary>A connection is up: make it current, then resubscribe and resend what the broker has not acknowledged.</summary>
    private void Attach(Connection connection, bool sessionPresent)
    {
        int resent;
        lock (_gate)
        {
            _connection = connection;
            _connectedSince = _time.GetUtcNow();
            _lastError = null;
            if (!sessionPresent)
            {
                // The broker has no memory of QoS 2 ids we received, so neither may we.
                _receivedQos2.Clear();
            }

            // Stale SUBSCRIBEs of the old connection are answered by this one.
            _subscribing.Clear();
            if (_subscriptions.Count > 0)
            {
                SendSubscribeLocked(connection, [.. _subscriptions]);
            }

            // MQTT 3.1.1 4.4: resend unacknowledged PUBLISH packets, in their original order, with DUP set.
            var pending = _inflight.OrderBy(p => p.Value.Sequence).ToList();
            foreach (var (id, inflight) in pending)
            {
                connection.Outbound.Writer.TryWrite(new Outbound(MqttPacketType.Publish, id, inflight.Message) { Duplicate = true });
            }

            resent = pending.Count;
            _connected.TrySetResult();
        }

        Interlocked.Increment(ref _connects);
        Interlocked.Add(ref _resent, resent);
        Log.Connected(_logger, Endpoint, _options.ClientId, sessionPresent, resent);
    }

    private void Detach()
    {
        Connection? old;
        lock (_gate)
        {
            old = _connection;
            _connection = null;
            _connectedSince = null;
            if (_connected.Task.IsCompleted)
            {
                _connected = NewSignal();
            }
        }

        if (old is null)
        {
            return;
        }

        // QoS 0 messages still queued for the dead socket are gone (at most once); free their slots.
        old.Outbound.Writer.TryComplete();
        while (old.Outbound.Reader.TryRead(out var item))
        {
            if (item is { Type: MqttPacketType.Publish, PacketId: 0 })
            {
                _qos0Slots.Release();
            }
        }
    }

    private async ValueTask DeliverAsync(Connection connection, MqttMessage message, CancellationToken cancellationToken)
    {
        if (!_inbound.Writer.TryWrite(message))
        {
            connection.BlockedOnConsumer = true;
            try
            {
                await _inbound.Writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                connection.BlockedOnConsumer = false;
                connection.LastReceived = Now();
            }
        }

        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, message.Payload.Length);
    }

    /// <summary>Acts on one packet from the broker. Acknowledgements go out only after the message is queued.</summary>
    private async ValueTask HandleAsync(Connection connection, MqttInboundPacket packet, CancellationToken cancellationToken)
    {
        switch (packet.Type)
        {
            case MqttPacketType.Publish:
                var message = packet.Message!;
                if (message.Qos == MqttQos.ExactlyOnce)
                {
                    bool fresh;
                    lock (_gate)
                    {
                        fresh = _receivedQos2.Add(packet.PacketId);
                    }

                    if (fresh)
                    {
                        await DeliverAsync(connection, message, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        Interlocked.Increment(ref _duplicatesDiscarded);
                    }

                    connection.Send(new Outbound(MqttPacketType.PubRec, packet.PacketId, null));
                    break;
                }

                await DeliverAsync(connection, message, cancellationToken).ConfigureAwait(false);
                if (message.Qos == MqttQos.AtLeastOnce)
                {
                    connection.Send(new Outbound(MqttPacketType.PubAck, packet.PacketId, null));
                }

                break;

            case MqttPacketType.PubRel:
                lock (_gate)
                {
                    _receivedQos2.Remove(packet.PacketId);
                }

                connection.Send(new Outbound(MqttPacketType.PubComp, packet.PacketId, null));
                break;

            case MqttPacketType.PubAck:
                Acknowledge(packet.PacketId);
                break;

            case MqttPacketType.SubAck:
                CompleteSubscribe(packet);
                break;

            case MqttPacketType.PingResp or MqttPacketType.UnsubAck:
                break;

            case MqttPacketType.PubRec or MqttPacketType.PubComp:
                throw new InvalidDataException($"{packet.Type.ToString().ToUpperInvariant()} for packet id {packet.PacketId}, but this client never publishes at QoS 2");

            default:
                throw new InvalidDataException($"unexpected {packet.Type.ToString().ToUpperInvariant()} on an established connection");
        }
    }

    private void Acknowledge(ushort packetId)
    {
        lock (_gate)
        {
            if (!_inflight.Remove(packetId))
            {
                // A late PUBACK for a message already acknowledged (after a resend): harmless.
                return;
            }

            _inflightSlots.Release();
            if (_inflight.Count == 0)
            {
                foreach (var waiter in _drainWaiters)
                {
                    waiter.TrySetResult();
                }

                _drainWaiters.Clear();
            }
        }
    }

    private void CompleteSubscribe(MqttInboundPacket packet)
    {
        lock (_gate)
        {
            if (!_subscribing.Remove(packet.PacketId, out var filters))
            {
                return;
            }

            if (filters.Length != packet.GrantedQos.Length)
            {
                throw new InvalidDataException($"SUBACK answers {packet.GrantedQos.Length} filters, the SUBSCRIBE had {filters.Length}");
            }

            for (var i = 0; i < filters.Length; i++)
            {
                var granted = packet.GrantedQos[i];
                if (granted == 0x80)
                {
                    Log.SubscriptionRefused(_logger, Endpoint, filters[i].Filter);
                }

                if (_subscribeWaiters.Remove(filters[i].Filter, out var waiter))
                {
                    waiter.TrySetResult(granted);
                }
            }
        }
    }

    /// <summary>One TCP (or TLS) session with the broker: a read loop, a write loop and a keep-alive timer.</summary>
    private sealed class Connection(Stream stream, int maxPacketBytes) : IAsyncDisposable
    {
        private readonly PipeReader _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        private readonly TaskCompletionSource _written = NewSignal();

        public PipeWriter Writer { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));

        public Channel<Outbound> Outbound { get; } = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });

        public long LastReceived { get; set; } = Now();

        public long LastSent { get; set; } = Now();

        public bool BlockedOnConsumer { get; set; }

        public void Send(Outbound packet) => Outbound.Writer.TryWrite(packet);

        public async Task<MqttInboundPacket> ReadConnAckAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (MqttPacketReader.TryRead(ref buffer, maxPacketBytes, out var packet))
                {
                    // Only CONNACK is consumed: what follows it in the same read (queued messages)
                    // must be seen by the read loop without waiting for more bytes.
                    _reader.AdvanceTo(buffer.Start);
                    return packet!.Type == MqttPacketType.ConnAck
                        ? packet
                        : throw new InvalidDataException($"the first packet from the broker is {packet.Type.ToString().ToUpperInvariant()}, not CONNACK");
                }

                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    throw new IOException("the broker closed the connection before CONNACK");
                }
            }
        }

        /// <summary>Runs until the connection fails or <paramref name="stop"/>; returns why it ended.</summary>
        public async Task<string> RunAsync(MqttClient client, CancellationToken stop)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var tasks = new[]
            {
                ReadLoopAsync(client, cts.Token),
                WriteLoopAsync(client, cts.Token),
                KeepAliveAsync(client, cts.Token),
            };
            var first = await Task.WhenAny(tasks).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception) when (tasks.Any(t => t != first))
            {
                // The other loops fail because the stream was closed under them; the first one says why.
            }

            stop.ThrowIfCancellationRequested();
            return await first.ConfigureAwait(false);
        }

        public async Task WaitWrittenAsync(TimeSpan timeout)
        {
            try
            {
                await _written.Task.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The broker drops a session without DISCONNECT too; it only sends the will.
            }
        }

        private async Task<string> ReadLoopAsync(MqttClient client, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (MqttPacketReader.TryRead(ref buffer, maxPacketBytes, out var packet))
                    {
                        LastReceived = Now();
                        await client.HandleAsync(this, packet!, cancellationToken).ConfigureAwait(false);
                    }

                    if (result.IsCompleted)
                    {
                        return buffer.IsEmpty
                            ? "the broker closed the connection"
                            : throw new InvalidDataException($"the connection closed in the middle of a packet ({buffer.Length} bytes left)");
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }

        private async Task<string> WriteLoopAsync(MqttClient client, CancellationToken cancellationToken)
        {
            var reader = Outbound.Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    Encode(item);
                    if (item is { Type: MqttPacketType.Publish, PacketId: 0 })
                    {
                        client._qos0Slots.Release();
                    }

                    if (Writer.UnflushedBytes > 64 * 1024)
                    {
                        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }

                    if (item.Type == MqttPacketType.Disconnect)
                    {
                        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                        _written.TrySetResult();
                        return "the client disconnected";
                    }
                }

                await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                LastSent = Now();
            }

            return "the outbound queue closed";
        }

        private void Encode(Outbound item)
        {
            switch (item.Type)
            {
                case MqttPacketType.Publish:
                    MqttPacketWriter.WritePublish(Writer, item.Message!, item.PacketId, item.Duplicate);
                    break;
                case MqttPacketType.Subscribe:
                    MqttPacketWriter.WriteSubscribe(Writer, item.PacketId, item.Filters!);
                    break;
                case MqttPacketType.PingReq or MqttPacketType.Disconnect:
                    MqttPacketWriter.WriteEmpty(Writer, item.Type);
                    break;
                default:
                    MqttPacketWriter.WriteAck(Writer, item.Type, item.PacketId);
                    break;
            }
        }

        private async Task<string> KeepAliveAsync(MqttClient client, CancellationToken cancellationToken)
        {
            var keepAlive = client._options.KeepAliveSeconds;
            if (keepAlive == 0)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                return "stopped";
            }

            var dead = client._options.DeadConnectionSeconds;
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(keepAlive / 4.0, 0.05, 1)), client._time);
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = Now();
                if (System.Diagnostics.Stopwatch.GetElapsedTime(LastSent, now).TotalSeconds >= keepAlive)
                {
                    LastSent = now;
                    Send(new Outbound(MqttPacketType.PingReq, 0, null));
                }

                if (!BlockedOnConsumer && System.Diagnostics.Stopwatch.GetElapsedTime(LastReceived, now).TotalSeconds > dead)
                {
                    throw new TimeoutException($"no packet from the broker for {dead:0.#} s (keep-alive {keepAlive} s): the connection is dead");
                }
            }

            return "stopped";
        }

        public async ValueTask DisposeAsync()
        {
            Outbound.Writer.TryComplete();
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
