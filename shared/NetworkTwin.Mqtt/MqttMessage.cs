namespace NetworkTwin.Mqtt;

/// <summary>
/// An application message. <see cref="ReceivedTimestamp"/> is the <see cref="System.Diagnostics.Stopwatch"/>
/// tick at which the client decoded it (0 for outbound messages), for latency measurements.
/// </summary>
public sealed record MqttMessage(string Topic, ReadOnlyMemory<byte> Payload, MqttQos Qos = MqttQos.AtMostOnce, bool Retain = false)
{
    public bool Duplicate { get; init; }

    public long ReceivedTimestamp { get; init; }
}
