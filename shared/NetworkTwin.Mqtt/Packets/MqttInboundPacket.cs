namespace NetworkTwin.Mqtt.Packets;

/// <summary>
/// A packet a broker may send to a client, decoded and copied out of the pipe's buffer (it holds
/// no slice of it). Only the fields of its <see cref="Type"/> are set.
/// </summary>
public sealed class MqttInboundPacket
{
    public required MqttPacketType Type { get; init; }

    /// <summary>PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK.</summary>
    public ushort PacketId { get; init; }

    /// <summary>PUBLISH only.</summary>
    public MqttMessage? Message { get; init; }

    /// <summary>CONNACK only.</summary>
    public bool SessionPresent { get; init; }

    /// <summary>CONNACK only: 0 accepted, 1..5 refused (3.2.2.3).</summary>
    public byte ConnectReturnCode { get; init; }

    /// <summary>SUBACK only: granted QoS per filter, or 0x80 for failure.</summary>
    public byte[] GrantedQos { get; init; } = [];
}
