using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace NetworkTwin.Mqtt.Packets;

/// <summary>
/// Decodes packets a broker sends to a client. Synchronous and pure: returns false when it needs
/// more bytes, throws <see cref="InvalidDataException"/> for a malformed packet, and checks the
/// declared length against the limit before waiting for the body.
/// </summary>
/// <remarks>
/// Fixed header (2.2): byte 0 = type (high nibble) | flags (low nibble); then the remaining
/// length as 1..4 bytes of 7-bit groups, least significant first, high bit = "more".
/// </remarks>
public static class MqttPacketReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxPacketBytes, out MqttInboundPacket? packet)
    {
        packet = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var first))
        {
            return false;
        }

        var remaining = 0;
        var multiplier = 1;
        for (var i = 0; ; i++)
        {
            if (i == 4)
            {
                throw new InvalidDataException("remaining length takes more than 4 bytes");
            }

            if (!reader.TryRead(out var b))
            {
                return false;
            }

            remaining += (b & 0x7F) * multiplier;
            multiplier <<= 7;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        var type = (MqttPacketType)(first >> 4);
        var flags = first & 0x0F;
        if (remaining > maxPacketBytes)
        {
            throw new InvalidDataException($"{Describe(type)} packet of {remaining} bytes exceeds the limit of {maxPacketBytes} bytes");
        }

        if (reader.Remaining < remaining)
        {
            return false;
        }

        var body = buffer.Slice(reader.Position, remaining);
        packet = Decode(type, flags, body);
        buffer = buffer.Slice(body.End);
        return true;
    }

    private static MqttInboundPacket Decode(MqttPacketType type, int flags, ReadOnlySequence<byte> body)
    {
        switch (type)
        {
            case MqttPacketType.ConnAck:
                ExpectFlags(type, flags, 0);
                ExpectLength(type, body, 2);
                Span<byte> ack = stackalloc byte[2];
                body.CopyTo(ack);
                if ((ack[0] & 0xFE) != 0)
                {
                    throw new InvalidDataException("CONNACK acknowledge flags have reserved bits set");
                }

                return new MqttInboundPacket { Type = type, SessionPresent = (ack[0] & 1) == 1, ConnectReturnCode = ack[1] };

            case MqttPacketType.Publish:
                return DecodePublish(flags, body);

            case MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubComp or MqttPacketType.UnsubAck:
                ExpectFlags(type, flags, 0);
                ExpectLength(type, body, 2);
                return new MqttInboundPacket { Type = type, PacketId = ReadPacketId(type, body) };

            case MqttPacketType.PubRel:
                ExpectFlags(type, flags, 2);
                ExpectLength(type, body, 2);
                return new MqttInboundPacket { Type = type, PacketId = ReadPacketId(type, body) };

            case MqttPacketType.SubAck:
                ExpectFlags(type, flags, 0);
                if (body.Length < 3)
                {
                    throw new InvalidDataException($"SUBACK of {body.Length} bytes is shorter than 3");
                }

                var codes = body.Slice(2).ToArray();
                foreach (var code in codes)
                {
                    if (code is > 2 and not 0x80)
                    {
                        throw new InvalidDataException($"SUBACK return code 0x{code:X2} is not 0, 1, 2 or 0x80");
                    }
                }

                return new MqttInboundPacket { Type = type, PacketId = ReadPacketId(type, body), GrantedQos = codes };

            case MqttPacketType.PingResp:
                ExpectFlags(type, flags, 0);
                ExpectLength(type, body, 0);
                return new MqttInboundPacket { Type = type };

            default:
                throw new InvalidDataException($"a broker must not send a {Describe(type)} packet to a client");
        }
    }

    private static MqttInboundPacket DecodePublish(int flags, ReadOnlySequence<byte> body)
    {
        var qos = (flags >> 1) & 3;
        if (qos == 3)
        {
            throw new InvalidDataException("PUBLISH with QoS 3");
        }

        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadBigEndian(out short topicLength) || reader.Remaining < (ushort)topicLength)
        {
            throw new InvalidDataException("PUBLISH topic length runs past the end of the packet");
        }

        var topicBytes = body.Slice(reader.Position, (ushort)topicLength);
        reader.Advance((ushort)topicLength);
        string topic;
        try
        {
            topic = topicBytes.IsSingleSegment ? StrictUtf8.GetString(topicBytes.FirstSpan) : StrictUtf8.GetString(topicBytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("PUBLISH topic is not valid UTF-8");
        }

        var problem = MqttTopic.ValidateName(topic);
        if (problem is not null)
        {
            throw new InvalidDataException($"PUBLISH {problem}");
        }

        ushort id = 0;
        if (qos > 0)
        {
            if (!reader.TryReadBigEndian(out short rawId) || rawId == 0)
            {
                throw new InvalidDataException($"PUBLISH at QoS {qos} on \"{topic}\" has no valid packet id");
            }

            id = (ushort)rawId;
        }

        var payload = body.Slice(reader.Position).ToArray();
        var message = new MqttMessage(topic, payload, (MqttQos)qos, (flags & 1) == 1)
        {
            Duplicate = (flags & 8) != 0,
            ReceivedTimestamp = Stopwatch.GetTimestamp(),
        };
        return new MqttInboundPacket { Type = MqttPacketType.Publish, PacketId = id, Message = message };
    }

    private static ushort ReadPacketId(MqttPacketType type, ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        reader.TryReadBigEndian(out short id);
        if (id == 0)
        {
            throw new InvalidDataException($"{Describe(type)} carries packet id 0");
        }

        return (ushort)id;
    }

    private static void ExpectFlags(MqttPacketType type, int flags, int expected)
    {
        if (flags != expected)
        {
            throw new InvalidDataException($"{Describe(type)} fixed-header flags are {flags}, must be {expected}");
        }
    }

    private static void ExpectLength(MqttPacketType type, ReadOnlySequence<byte> body, int expected)
    {
        if (body.Length != expected)
        {
            throw new InvalidDataException($"{Describe(type)} remaining length is {body.Length}, must be {expected}");
        }
    }

    internal static string Describe(MqttPacketType type) =>
        Enum.IsDefined(type) ? type.ToString().ToUpperInvariant() : $"reserved type {(int)type}";
}
