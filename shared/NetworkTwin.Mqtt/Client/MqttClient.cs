using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace NetworkTwin.Mqtt.Client;

/// <summary>
/// MQTTnet, kept connected: it reconnects with exponential backoff and jitter, resubscribes on every
/// connect, keeps a persistent session (MQTT 5 session expiry or 3.1.1 clean-session=false), and
/// republishes every QoS 1 message the broker has not acknowledged, in the order it was handed over, so
/// a publisher never loses a message it handed over. Received messages wait in a bounded queue
/// (<see cref="Messages"/>); while it is full the socket is not read (<see cref="BackPressureChannel"/>), and a
/// QoS 1 message is acknowledged to the broker only once it is in the queue, so a consumer that falls behind
/// stops the broker instead of growing memory.
/// </summary>
/// <remarks>
/// MQTTnet 5 has no "managed" client: reconnect, resubscribe and the republish queue are this type's.
/// Publishing supports QoS 0 and 1. A malformed packet from the broker makes MQTTnet drop that
/// connection; it is logged with its reason, counted, and the client reconnects.
/// </remarks>
public sealed partial class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly Channel<MqttMessage> _inbound;
    private readonly Channel<long> _sendQueue = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _inflightSlots;
    private readonly SemaphoreSlim _qos0Slots = new(QueuedQos0Limit, QueuedQos0Limit);
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private readonly SortedDictionary<long, MqttMessage> _unacknowledged = [];
    private readonly Dictionary<long, MqttMessage> _atMostOnce = [];
    private readonly List<(string Filter, MqttQos Qos)> _subscriptions = [];
    private readonly Dictionary<string, TaskCompletionSource<MqttQos>> _subscribeWaiters = [];
    private readonly List<TaskCompletionSource> _drainWaiters = [];
    private TaskCompletionSource _connected = NewSignal();
    private TaskCompletionSource<string> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _isConnected;
    private int _granted;
    private DateTimeOffset? _connectedSince;
    private string? _lastError;
    private long _sequence;

    private long _connects;
    private long _connectionFailures;
    private long _protocolErrors;
    private long _messagesReceived;
    private long _bytesReceived;
    private long _redelivered;
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
        // Read from the broker only while the inbound queue has room (back-pressure for QoS 0 as well).
        var factory = new MqttClientFactory(new MQTTnet.Diagnostics.Logger.MqttNetNullLogger(), new BackPressureChannel.Factory(WaitForRoomAsync));
        _client = factory.CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>QoS 0 messages handed over but not yet started on the wire.</summary>
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

        TaskCompletionSource<MqttQos> waiter;
        bool connected;
        lock (_gate)
        {
            _subscriptions.RemoveAll(s => s.Filter == filter);
            _subscriptions.Add((filter, qos));
            if (!_subscribeWaiters.TryGetValue(filter, out waiter!))
            {
                waiter = new TaskCompletionSource<MqttQos>(TaskCreationOptions.RunContinuationsAsynchronously);
                _subscribeWaiters[filter] = waiter;
            }

            connected = _isConnected;
        }

        if (connected)
        {
            await SubscribeNowAsync([(filter, qos)], cancellationToken).ConfigureAwait(false);
        }

        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a message to the client. For QoS 1 it returns once the message is in the client's
    /// session: it will be delivered (republished after reconnects) until the broker acknowledges it;
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

        // Both QoS go through the one sender, so a publisher's messages leave in the order it handed them over.
        var qos1 = message.Qos == MqttQos.AtLeastOnce;
        await (qos1 ? _inflightSlots : _qos0Slots).WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var sequence = ++_sequence;
            if (qos1)
            {
                _unacknowledged[sequence] = message;
            }
            else
            {
                _atMostOnce[sequence] = message;
            }

            _sendQueue.Writer.TryWrite(sequence);
        }

        Interlocked.Increment(ref _messagesPublished);
    }

    /// <summary>Completes when every QoS 1 message handed over so far has been acknowledged by the broker.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_unacknowledged.Count == 0)
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
                _isConnected,
                _connectedSince,
                Interlocked.Read(ref _connects),
                Interlocked.Read(ref _connectionFailures),
                Interlocked.Read(ref _protocolErrors),
                Interlocked.Read(ref _messagesReceived),
                Interlocked.Read(ref _bytesReceived),
                Interlocked.Read(ref _redelivered),
                Interlocked.Read(ref _messagesPublished),
                Interlocked.Read(ref _resent),
                _unacknowledged.Count,
                _inbound.Reader.Count,
                _lastError,
                _isConnected ? _granted : 0);
        }
    }

    /// <summary>Sends DISCONNECT when connected (so the broker keeps no will), stops and completes <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop is not null && _loop is not null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
        }

        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
            {
                // Going away anyway.
            }
        }

        _inbound.Writer.TryComplete();
        _client.Dispose();
        _inflightSlots.Dispose();
        _qos0Slots.Dispose();
    }

    private async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (_inbound.Reader.Count < _options.InboundQueueCapacity)
        {
            return;
        }

        await _inbound.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static MqttApplicationMessage ToApplicationMessage(MqttMessage message) => new MqttApplicationMessageBuilder()
        .WithTopic(message.Topic)
        .WithPayload(message.Payload.ToArray())
        .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.Qos)
        .WithRetainFlag(message.Retain)
        .Build();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
