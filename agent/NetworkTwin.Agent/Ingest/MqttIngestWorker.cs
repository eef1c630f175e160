using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;

namespace NetworkTwin.Agent.Ingest;

/// <summary>
/// Subscribes to the site's telemetry topics and applies every message to the live twin as it
/// arrives. Bad topics and payloads are counted and logged (rate-limited); the loop never stops
/// for them.
/// </summary>
internal sealed partial class MqttIngestWorker(
    IOptions<AgentOptions> agentOptions,
    IOptions<MqttClientOptions> mqttOptions,
    LiveTwin twin,
    Status.AgentInstruments instruments,
    ILoggerFactory loggerFactory,
    TimeProvider time) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<MqttIngestWorker>();
    private readonly ProblemLogGate _badTopics = new();
    private readonly ProblemLogGate _badPayloads = new();
    private readonly ProblemLogGate _badLines = new();

    /// <summary>The client, once started; read by the status writer.</summary>
    public MqttClient? Client { get; private set; }

    public IReadOnlyList<string> Topics => agentOptions.Value.MqttTopics;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!agentOptions.Value.Ingest.MqttEnabled)
        {
            return;
        }

        var options = mqttOptions.Value;
        if (string.IsNullOrEmpty(options.ClientId) || options.ClientId == new MqttClientOptions().ClientId)
        {
            options.ClientId = $"nt-agent-{agentOptions.Value.Site}";
        }

        await using var client = new MqttClient(options, loggerFactory.CreateLogger<MqttClient>(), time);
        Client = client;
        client.Start();
        foreach (var topic in Topics)
        {
            _ = SubscribeAsync(client, topic, stoppingToken);
        }

        Log.Started(_logger, client.Endpoint, string.Join(", ", Topics));
        var decoder = new PayloadDecoder(twin);
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var sentUnixNanos = Handle(decoder, message);

                // One clock read per message: when it was handled, and its latency if stamped.
                var now = time.GetUtcNow();
                twin.Counters.Handled(now);
                if (sentUnixNanos > 0)
                {
                    var milliseconds = (((now - DateTimeOffset.UnixEpoch).Ticks * 100) - sentUnixNanos) / 1e6;
                    twin.Latency.Record(milliseconds);
                    instruments.RecordLatency(milliseconds / 1000);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies one message; returns its publisher's send stamp (Unix ns), or 0 when it has none or was refused.</summary>
    private long Handle(PayloadDecoder decoder, MqttMessage message)
    {
        if (!TelemetryTopic.TryParse(message.Topic, out var topic, out var topicError))
        {
            twin.Counters.RejectedTopic(topicError!);
            if (_badTopics.ShouldLog(out var n))
            {
                Log.RejectedTopic(_logger, topicError!, n);
            }

            return 0;
        }

        var outcome = decoder.Decode(topic, message.Topic, message.Payload);
        if (outcome.Problem is not null && outcome.Rows == 0)
        {
            twin.Counters.MalformedPayload(outcome.Problem);
            if (_badPayloads.ShouldLog(out var n))
            {
                Log.MalformedPayload(_logger, outcome.Problem, n);
            }

            return 0;
        }

        twin.Counters.Accepted(outcome.Rows, outcome.MalformedLines);

        if (outcome.FirstMalformed is { } bad)
        {
            twin.Counters.Problem($"{bad.Source} line {bad.LineNumber}: {bad.Reason}");
            if (_badLines.ShouldLog(out var n))
            {
                Log.MalformedLines(_logger, bad.Source, outcome.MalformedLines, bad.LineNumber, bad.Reason, n);
            }
        }

        return outcome.SentUnixNanos;
    }

    private async Task SubscribeAsync(MqttClient client, string topic, CancellationToken cancellationToken)
    {
        try
        {
            var granted = await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cancellationToken).ConfigureAwait(false);
            Log.Subscribed(_logger, topic, (int)granted);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException ex)
        {
            twin.Counters.Problem(ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Information, "Listening for telemetry on MQTT broker {Endpoint}, topics {Topics}")]
        public static partial void Started(ILogger logger, string endpoint, string topics);

        [LoggerMessage(2002, LogLevel.Information, "Subscribed to {Topic} (granted QoS {Qos})")]
        public static partial void Subscribed(ILogger logger, string topic, int qos);

        [LoggerMessage(2003, LogLevel.Warning, "Ignored a message: {Problem} (occurrence {Count}; only some are logged)")]
        public static partial void RejectedTopic(ILogger logger, string problem, long count);

        [LoggerMessage(2004, LogLevel.Warning, "Refused a telemetry batch: {Problem}. Nothing from it was used; check the publisher (occurrence {Count})")]
        public static partial void MalformedPayload(ILogger logger, string problem, long count);

        [LoggerMessage(2005, LogLevel.Warning, "{Source}: skipped {Malformed} malformed line(s), first at line {Line}: {Reason}; the other rows were used (occurrence {Count})")]
        public static partial void MalformedLines(ILogger logger, string source, long malformed, long line, string reason, long count);
    }
}
