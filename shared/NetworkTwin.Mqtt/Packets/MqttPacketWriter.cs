using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace NetworkTwin.Mqtt.Packets;

/// <summary>Encodes the packets a client sends (MQTT 3.1.1 section 3) into a buffer writer.</summary>
public static class MqttPacketWriter
{
    /// <summary>Largest remaining length MQTT can express (4 length bytes).</summary>
    public const int MaxRemainingLength = 268_435_455;

    /// <param name="keepAliveSeconds">0 disables keep-alive.</param>
    public static void WriteConnect(
        IBufferWriter<byte> writer,
        string clientId,
        bool cleanSession,
        ushort keepAliveSeconds,
        string? username,
        string? password)
    {
        // Variable header: protocol name "MQTT", level 4, connect flags, keep-alive.
        var length = 2 + 4 + 1 + 1 + 2 + StringLength(clientId);
        byte connectFlags = cleanSession ? (byte)0x02 : (byte)0;
        if (username is not null)
        {
            connectFlags |= 0x80;
            length += StringLength(username);
        }

        if (password is not null)
        {
            connectFlags |= 0x40;
            length += StringLength(password);
        }

        var span = Begin(writer, MqttPacketType.Connect, 0, length, out var at);
        at = PutString(span, at, "MQTT");
        span[at++] = 4;
        span[at++] = connectFlags;
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], keepAliveSeconds);
        at += 2;
        at = PutString(span, at, clientId);
        if (username is not null)
        {
            at = PutString(span, at, username);
        }

        if (password is not null)
        {
            at = PutString(span, at, password);
        }

        writer.Advance(at);
    }

    public static void WritePublish(IBufferWriter<byte> writer, MqttMessage message, ushort packetId, bool duplicate)
    {
        var qos = (int)message.Qos;
        var length = StringLength(message.Topic) + (qos > 0 ? 2 : 0) + message.Payload.Length;
        var flags = (duplicate ? 8 : 0) | (qos << 1) | (message.Retain ? 1 : 0);
        var span = Begin(writer, MqttPacketType.Publish, flags, length, out var at);
        at = PutString(span, at, message.Topic);
        if (qos > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
            at += 2;
        }

        message.Payload.Span.CopyTo(span[at..]);
        writer.Advance(at + message.Payload.Length);
    }

    /// <summary>PUBACK, PUBREC, PUBREL or PUBCOMP: a packet id and nothing else.</summary>
    public static void WriteAck(IBufferWriter<byte> writer, MqttPacketType type, ushort packetId)
    {
        var flags = type == MqttPacketType.PubRel ? 2 : 0;
        var span = Begin(writer, type, flags, 2, out var at);
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
        writer.Advance(at + 2);
    }

    public static void WriteSubscribe(IBufferWriter<byte> writer, ushort packetId, IReadOnlyList<(string Filter, MqttQos Qos)> filters)
    {
        var length = 2;
        foreach (var (filter, _) in filters)
        {
            length += StringLength(filter) + 1;
        }

        var span = Begin(writer, MqttPacketType.Subscribe, 2, length, out var at);
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
        at += 2;
        foreach (var (filter, qos) in filters)
        {
            at = PutString(span, at, filter);
            span[at++] = (byte)qos;
        }

        writer.Advance(at);
    }

    public static void WriteUnsubscribe(IBufferWriter<byte> writer, ushort packetId, IReadOnlyList<string> filters)
    {
        var length = 2 + filters.Sum(StringLength);
        var span = Begin(writer, MqttPacketType.Unsubscribe, 2, length, out var at);
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], packetId);
        at += 2;
        foreach (var filter in filters)
        {
            at = PutString(span, at, filter);
        }

        writer.Advance(at);
    }

    /// <summary>PINGREQ or DISCONNECT: a fixed header only.</summary>
    public static void WriteEmpty(IBufferWriter<byte> writer, MqttPacketType type)
    {
        Begin(writer, type, 0, 0, out var at);
        writer.Advance(at);
    }

    private static Span<byte> Begin(IBufferWriter<byte> writer, MqttPacketType type, int flags, int remaining, out int at)
    {
        if (remaining > MaxRemainingLength)
        {
            throw new ArgumentException($"{MqttPacketReader.Describe(type)} of {remaining} bytes exceeds the MQTT maximum of {MaxRemainingLength}");
        }

        var span = writer.GetSpan(remaining + 5);
        span[0] = (byte)(((int)type << 4) | flags);
        at = 1;
        var value = remaining;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            span[at++] = value > 0 ? (byte)(b | 0x80) : b;
        }
        while (value > 0);
        return span;
    }

    private static int StringLength(string s) => 2 + Encoding.UTF8.GetByteCount(s);

    private static int PutString(Span<byte> span, int at, string s)
    {
        var n = Encoding.UTF8.GetBytes(s, span[(at + 2)..]);
        if (n > ushort.MaxValue)
        {
            throw new ArgumentException($"string of {n} UTF-8 bytes exceeds the MQTT limit of 65535");
        }

        BinaryPrimitives.WriteUInt16BigEndian(span[at..], (ushort)n);
        return at + 2 + n;
    }
}
