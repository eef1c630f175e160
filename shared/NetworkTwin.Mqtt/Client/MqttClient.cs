using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkTwin.Mqtt.Packets;

namespace NetworkTwin.Mqtt.Client;

/// <summary>
/// An MQTT 3.1.1 client that stays connected: it reconnects with exponential backoff and jitter,
/// resubscribes, and resends unacknowledged QoS 1 messages with DUP set, so a publisher never
/// loses a message it handed over. Received messages wait in a bounded queue
/// (<see cref="Messages"/>); when it is full the client stops reading the socket, which pushes
/// back on the broker instead of growing without limit.
/// </summary>
/// <remarks>
/// Publishing supports QoS 0 and 1; receiving supports QoS 0, 1 and 2 (exactly once, by packet id,
/// across reconnects of a persistent session). A malformed or oversized packet from the broker
/// closes that connection, is logged with its reason, and the client reconnects.
/// </remarks>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<MqttMessage> _inbound;
    private readonly SemaphoreSlim _inflightSlots;
    private readonly SemaphoreSlim _qos0Slots;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly Dictionary<ushort, Inflight> _inflight = [];
    private readonly List<(string Filter, MqttQos Qos)> _subscriptions = [];
    private readonly Dictionary<ushort, (string Filter, MqttQos Qos)[]> _subscribing = [];
    private readonly Dictionary<string, TaskCompletionSource<byte>> _subscribeWaiters = [];
    private readonly HashSet<ushort> _receivedQos2 = [];
    private readonly List<TaskCompletionSource> _drainWaiters = [];
    private Connection? _connection;
    private TaskCompletionSource _connected = NewSignal();
    private DateTimeOffset? _connectedSince;
    private string? _lastError;
    private ushort _lastPacketId;
    private long _sequence;

    private long _connects;
    private long _connectionFailures;
    private long _protocolErrors;
    private long _messagesReceived;
    private long _bytesReceived;
    private long _duplicatesDiscarded;
    private long _messagesPublished;
    private long _resent;

    private CancellationTokenSource? _stop;
    private Task? _loop;

    public MqttClient(MqttClientOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _inbound = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.InboundQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
        _inflightSlots = new SemaphoreSlim(options.MaxInflight, options.MaxInflight);
        _qos0Slots = new SemaphoreSlim(QueuedQos0Limit, QueuedQos0Limit);
    }

    /// <summary>QoS 0 messages handed over but not yet written to the socket.</summary>
    private const int QueuedQos0Limit = 4096;

    /// <summary>Received messages, in order. Completed when the client is disposed.</summary>
    public ChannelReader<MqttMessage> Messages => _inbound.Reader;

    public string Endpoint => $"{_options.Host}:{_options.Port}";

    /// <summary>Starts connecting in the background; failures are logged and retried, never thrown.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("The MQTT client is already started.");
        }

        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Completes when a connection is up (immediately if it already is).</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Adds a subscription, kept for every later reconnect, and waits for the broker's answer.
    /// Returns the granted QoS.
    /// </summary>
    /// <exception cref="InvalidOperationException">The broker refused the subscription.</exception>
    public async Task<MqttQos> SubscribeAsync(string filter, MqttQos qos = MqttQos.AtLeastOnce, CancellationToken cancellationToken = default)
    {
        var problem = MqttTopic.ValidateFilter(filter);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(filter));
        }

        TaskCompletionSource<byte> waiter;
        lock (_gate)
        {
            _subscriptions.RemoveAll(s => s.Filter == filter);
            _subscriptions.Add((filter, qos));
            if (!_subscribeWaiters.TryGetValue(filter, out waiter!))
            {
                waiter = new TaskCompletionSource<byte>(TaskCreationOptions.RunContinuationsAsynchronously);
                _subscribeWaiters[filter] = waiter;
            }

            if (_connection is { } connection)
            {
                SendSubscribeLocked(connection, [(filter, qos)]);
            }
        }

        var granted = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (granted == 0x80)
        {
            throw new InvalidOperationException($"The broker at {Endpoint} refused the subscription to \"{filter}\".");
        }

        return (MqttQos)granted;
    }

    /// <summary>
    /// Hands a message to the client. For QoS 1 it returns once the message is in the client's
    /// session: it will be delivered (resent after reconnects) until the broker acknowledges it;
    /// <see cref="FlushAsync"/> waits for that. Waits while <see cref="MqttClientOptions.MaxInflight"/>
    /// messages are unacknowledged. A QoS 0 message waits for a connection.
    /// </summary>
    public async ValueTask PublishAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var problem = MqttTopic.ValidateName(message.Topic);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(message));
        }

        if (message.Qos == MqttQos.ExactlyOnce)
        {
            throw new NotSupportedException("This client publishes at QoS 0 or 1; QoS 2 is supported for receiving only.");
        }

        if (message.Payload.Length > MqttPacketWriter.MaxRemainingLength - 65_600)
        {
            throw new ArgumentException($"payload of {message.Payload.Length} bytes is larger than MQTT allows", nameof(message));
        }

        if (message.Qos == MqttQos.AtMostOnce)
        {
            await _qos0Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                Connection? connection;
                Task connected;
                lock (_gate)
                {
                    connection = _connection;
                    connected = _connected.Task;
                }

                if (connection is not null && connection.Outbound.Writer.TryWrite(new Outbound(MqttPacketType.Publish, 0, message)))
                {
                    break;
                }

                await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (connection is not null)
                {
                    // The connection we saw is closing; wait for the next one.
                    await Task.Yield();
                }
            }
        }
        else
        {
            await _inflightSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                var id = NextPacketIdLocked();
                _inflight[id] = new Inflight(message, ++_sequence);
                _connection?.Outbound.Writer.TryWrite(new Outbound(MqttPacketType.Publish, id, message));
            }
        }

        Interlocked.Increment(ref _messagesPublished);
    }

    /// <summary>Completes when every QoS 1 message handed over so far has been acknowledged by the broker.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_inflight.Count == 0)
            {
                return Task.CompletedTask;
            }

            var waiter = NewSignal();
            _drainWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    public MqttClientStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new MqttClientStatistics(
                _connection is not null,
                _connectedSince,
                Interlocked.Read(ref _connects),
                Interlocked.Read(ref _connectionFailures),
                Interlocked.Read(ref _protocolErrors),
                Interlocked.Read(ref _messagesReceived),
                Interlocked.Read(ref _bytesReceived),
                Interlocked.Read(ref _duplicatesDiscarded),
                Interlocked.Read(ref _messagesPublished),
                Interlocked.Read(ref _resent),
                _inflight.Count,
                _inbound.Reader.Count,
                _lastError);
        }
    }

    /// <summary>Sends DISCONNECT when connected (so the broker keeps no will), stops and completes <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is null || _loop is null)
        {
            _inbound.Writer.TryComplete();
            return;
        }

        Connection? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        if (connection is not null && connection.Outbound.Writer.TryWrite(new Outbound(MqttPacketType.Disconnect, 0, null)))
        {
            await connection.WaitWrittenAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _inbound.Writer.TryComplete();
        _inflightSlots.Dispose();
        _qos0Slots.Dispose();
    }

    private ushort NextPacketIdLocked()
    {
        do
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
        }
        while (_inflight.ContainsKey(_lastPacketId) || _subscribing.ContainsKey(_lastPacketId));
        return _lastPacketId;
    }

    private void SendSubscribeLocked(Connection connection, (string Filter, MqttQos Qos)[] filters)
    {
        var id = NextPacketIdLocked();
        _subscribing[id] = filters;
        connection.Outbound.Writer.TryWrite(new Outbound(MqttPacketType.Subscribe, id, null) { Filters = filters });
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static long Now() => Stopwatch.GetTimestamp();

    private sealed record Inflight(MqttMessage Message, long Sequence);

    private readonly record struct Outbound(MqttPacketType Type, ushort PacketId, MqttMessage? Message)
    {
        public bool Duplicate { get; init; }

        public (string Filter, MqttQos Qos)[]? Filters { get; init; }
    }
}
