namespace NetworkTwin.Mqtt.Client;

/// <summary>A snapshot of what the client has done since it started.</summary>
public sealed record MqttClientStatistics(
    bool Connected,
    DateTimeOffset? ConnectedSince,
    long Connects,
    long ConnectionFailures,
    long ProtocolErrors,
    long MessagesReceived,
    long BytesReceived,
    long Redelivered,
    long MessagesPublished,
    long Resent,
    int Inflight,
    int InboundQueued,
    string? LastError,
    int Subscriptions);
