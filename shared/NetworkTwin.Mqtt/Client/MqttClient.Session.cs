using System.Buffers;
using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace NetworkTwin.Mqtt.Client;

/// <summary>The session loop: connect, resubscribe, republish, run until the connection drops, back off, again.</summary>
public sealed partial class MqttClient
{
    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            string reason;
            var wasConnected = false;
            try
            {
                var result = await ConnectAsync(stop).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    reason = Refusal(result);
                    Log.Refused(_logger, Endpoint, reason);
                }
                else
                {
                    wasConnected = true;
                    failures = 0;
                    reason = await RunConnectedAsync(result.IsSessionPresent, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is MqttCommunicationException or OperationCanceledException or IOException or AuthenticationException or System.Net.Sockets.SocketException)
            {
                reason = Describe(ex);
            }

            lock (_gate)
            {
                _isConnected = false;
                _connectedSince = null;
                _lastError = reason;
                if (_connected.Task.IsCompleted)
                {
                    _connected = NewSignal();
                }
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            failures++;
            var ceiling = Math.Min(_options.ReconnectMaxSeconds, _options.ReconnectMinSeconds * Math.Pow(2, Math.Min(failures - 1, 20)));
            var delay = (ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2);
            if (wasConnected)
            {
                Log.ConnectionLost(_logger, Endpoint, reason, delay);
            }
            else
            {
                Interlocked.Increment(ref _connectionFailures);
                Log.ConnectFailed(_logger, Endpoint, reason, delay);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(delay), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<MqttClientConnectResult> ConnectAsync(CancellationToken stop)
    {
        lock (_gate)
        {
            _disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds));
        return await _client.ConnectAsync(BuildOptions(), timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Resubscribes and republishes, then sends in order until the connection drops; returns why it dropped.</summary>
    private async Task<string> RunConnectedAsync(bool sessionPresent, CancellationToken stop)
    {
        Interlocked.Increment(ref _connects);
        (string Filter, MqttQos Qos)[] filters;
        long[] resend;
        Task<string> disconnected;
        lock (_gate)
        {
            filters = [.. _subscriptions];
            resend = [.. _unacknowledged.Keys];
            disconnected = _disconnected.Task;
            _granted = 0;
        }

        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        try
        {
            if (filters.Length > 0)
            {
                await SubscribeNowAsync(filters, connection.Token).ConfigureAwait(false);
            }

            lock (_gate)
            {
                _isConnected = true;
                _connectedSince = _time.GetUtcNow();
                _lastError = null;
                _connected.TrySetResult();
            }

            Interlocked.Add(ref _resent, resend.Length);
            Log.Connected(_logger, Endpoint, _options.ClientId, _options.ProtocolVersion, sessionPresent, resend.Length);
            var sender = SendAsync(resend, connection.Token);
            var first = await Task.WhenAny(sender, disconnected).ConfigureAwait(false);
            await connection.CancelAsync().ConfigureAwait(false);
            if (first == sender && sender.IsFaulted)
            {
                await sender.ConfigureAwait(false);
            }

            return await disconnected.WaitAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The one sender of a connection: first what the broker had not acknowledged (oldest first), then each new
    /// message in the order it was handed over. A message stays unacknowledged until its PUBACK, so a connection
    /// that drops leaves it for the next one's republish.
    /// </summary>
    private async Task SendAsync(long[] resend, CancellationToken connection)
    {
        var resentThrough = resend.Length == 0 ? 0 : resend[^1];
        foreach (var sequence in resend)
        {
            Start(sequence);
        }

        await foreach (var sequence in _sendQueue.Reader.ReadAllAsync(connection).ConfigureAwait(false))
        {
            MqttMessage? once;
            lock (_gate)
            {
                _atMostOnce.Remove(sequence, out once);
            }

            if (once is not null)
            {
                _qos0Slots.Release();
                _ = PublishAtMostOnceAsync(once);
            }
            else if (sequence > resentThrough)
            {
                Start(sequence);
            }
        }

        void Start(long sequence)
        {
            MqttMessage? message;
            lock (_gate)
            {
                _unacknowledged.TryGetValue(sequence, out message);
            }

            if (message is not null)
            {
                // Started in order on this one loop: MQTTnet writes packets in the order its sends begin.
                _ = PublishOneAsync(sequence, message);
            }
        }
    }

    private async Task PublishAtMostOnceAsync(MqttMessage message)
    {
        try
        {
            await _client.PublishAsync(ToApplicationMessage(message)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ConnectionGone(ex))
        {
            // At most once: a message caught in a dropped connection is gone, as QoS 0 allows.
        }
    }

    private async Task PublishOneAsync(long sequence, MqttMessage message)
    {
        try
        {
            var result = await _client.PublishAsync(ToApplicationMessage(message)).ConfigureAwait(false);
            if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
            {
                // The broker took it and said no (MQTT 5): drop it, loudly, rather than loop on it for ever.
                Log.PublishRefused(_logger, Endpoint, message.Topic, result.ReasonCode.ToString());
            }
        }
        catch (Exception ex) when (ConnectionGone(ex))
        {
            // Not acknowledged: it stays for the next connection's republish.
            return;
        }

        lock (_gate)
        {
            if (!_unacknowledged.Remove(sequence))
            {
                return;
            }

            if (_unacknowledged.Count == 0)
            {
                foreach (var waiter in _drainWaiters)
                {
                    waiter.TrySetResult();
                }

                _drainWaiters.Clear();
            }
        }

        _inflightSlots.Release();
    }

    private async Task SubscribeNowAsync((string Filter, MqttQos Qos)[] filters, CancellationToken cancellationToken)
    {
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var (filter, qos) in filters)
        {
            builder.WithTopicFilter(filter, (MqttQualityOfServiceLevel)qos);
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in result.Items)
        {
            var filter = item.TopicFilter.Topic;
            var granted = (int)item.ResultCode <= 2;
            TaskCompletionSource<MqttQos>? waiter;
            lock (_gate)
            {
                _subscribeWaiters.Remove(filter, out waiter);
                _granted += granted ? 1 : 0;
            }

            if (granted)
            {
                waiter?.TrySetResult((MqttQos)(int)item.ResultCode);
            }
            else
            {
                Log.SubscriptionRefused(_logger, Endpoint, filter, item.ResultCode.ToString());
                waiter?.TrySetException(new InvalidOperationException($"The broker at {Endpoint} refused the subscription to \"{filter}\" ({item.ResultCode})."));
            }
        }
    }

    /// <summary>
    /// Each received message goes into the bounded queue before the broker hears it was received: a full queue
    /// holds the acknowledgement, and the broker stops at its in-flight window (back-pressure, nothing dropped).
    /// </summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var application = e.ApplicationMessage;
        var payload = application.Payload.ToArray();
        var message = new MqttMessage(application.Topic, payload, (MqttQos)application.QualityOfServiceLevel, application.Retain)
        {
            Duplicate = application.Dup,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
        };
        Interlocked.Increment(ref _messagesReceived);
        Interlocked.Add(ref _bytesReceived, payload.Length);
        if (application.Dup)
        {
            Interlocked.Increment(ref _redelivered);
        }

        e.AutoAcknowledge = false;
        var stop = _stop?.Token ?? CancellationToken.None;
        try
        {
            await _inbound.Writer.WriteAsync(message, stop).ConfigureAwait(false);
            await e.AcknowledgeAsync(stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException or MqttCommunicationException or InvalidOperationException)
        {
            // Stopping, or the connection went away before the acknowledgement: the broker sends it again.
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.Exception is { } ex && (ex is MqttProtocolViolationException || ex.InnerException is MqttProtocolViolationException || ex.GetBaseException() is MqttProtocolViolationException))
        {
            Interlocked.Increment(ref _protocolErrors);
            Log.ProtocolError(_logger, Endpoint, ex.GetBaseException().Message);
        }

        var reason = e.Exception is { } error
            ? Describe(error)
            : e.ReasonString is { Length: > 0 } text ? $"{e.Reason}: {text}" : e.Reason.ToString();
        TaskCompletionSource<string> disconnected;
        lock (_gate)
        {
            disconnected = _disconnected;
        }

        disconnected.TrySetResult(reason);
        return Task.CompletedTask;
    }

    private MQTTnet.MqttClientOptions BuildOptions()
    {
        var o = _options;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(o.Host, o.Port)
            .WithTcpServer(tcp => tcp.BufferSize = o.SocketBufferBytes)
            .WithClientId(o.ClientId)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(o.KeepAliveSeconds))

            // Bounds the wait for a PINGRESP (and requests without a token): dead after DeadConnectionSeconds in all.
            .WithTimeout(TimeSpan.FromSeconds(Math.Max(1, o.DeadConnectionSeconds - o.KeepAliveSeconds)));
        if (o.KeepAliveSeconds == 0)
        {
            builder.WithNoKeepAlive();
        }

        if (o.ProtocolVersion == "3.1.1")
        {
            builder.WithProtocolVersion(MqttProtocolVersion.V311).WithCleanSession(o.CleanSession);
        }
        else
        {
            builder.WithProtocolVersion(MqttProtocolVersion.V500)
                .WithCleanStart(o.CleanSession)
                .WithSessionExpiryInterval(o.CleanSession ? 0 : o.SessionExpirySeconds)
                .WithMaximumPacketSize((uint)o.MaxPacketBytes)
                .WithReceiveMaximum((ushort)Math.Min(o.InboundQueueCapacity, ushort.MaxValue));
        }

        if (o.Username is not null)
        {
            builder.WithCredentials(o.Username, o.Password);
        }

        if (o.Tls.Enabled)
        {
            var tls = o.Tls;
            builder.WithTlsOptions(t =>
            {
                t.UseTls()
                    .WithTargetHost(tls.ServerName ?? o.Host)
                    .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                    .WithRevocationMode(X509RevocationMode.NoCheck);
                if (tls.CaFile is not null)
                {
                    var roots = new X509Certificate2Collection();
                    roots.ImportFromPemFile(tls.CaFile);
                    t.WithCertificateValidationHandler(v => Trusted(v.Certificate, v.SslPolicyErrors, roots));
                }

                if (tls.ClientCertificateFile is not null && tls.ClientKeyFile is not null)
                {
                    t.WithClientCertificates([X509Certificate2.CreateFromPemFile(tls.ClientCertificateFile, tls.ClientKeyFile)]);
                }
            });
        }

        return builder.Build();
    }

    /// <summary>The broker's certificate chains to one of the configured roots and names the host.</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>The broker's refusal in words an operator can act on, with its MQTT reason code.</summary>
    private static string Refusal(MqttClientConnectResult result) => result.ResultCode switch
    {
        MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized =>
            $"refused the connection ({result.ResultCode}): not authorised (check Mqtt:Username, Mqtt:Password and the broker's ACL)",
        MqttClientConnectResultCode.UnsupportedProtocolVersion =>
            $"refused the connection ({result.ResultCode}): it does not speak this MQTT version (set Mqtt:ProtocolVersion to 3.1.1 for an older broker)",
        MqttClientConnectResultCode.ClientIdentifierNotValid =>
            $"refused the connection ({result.ResultCode}): client identifier rejected (check Mqtt:ClientId)",
        _ => $"refused the connection ({result.ResultCode}){(result.ReasonString is { Length: > 0 } s ? ": " + s : string.Empty)}",
    };

    /// <summary>What a call on MQTTnet throws when the connection under it went away (or the client is closing).</summary>
    private static bool ConnectionGone(Exception ex) =>
        ex is MqttCommunicationException or OperationCanceledException or InvalidOperationException or ObjectDisposedException;

    private static string Describe(Exception ex)
    {
        var root = ex.GetBaseException();
        return root == ex || string.IsNullOrEmpty(root.Message) ? ex.Message : $"{ex.Message} ({root.Message})";
    }
}
