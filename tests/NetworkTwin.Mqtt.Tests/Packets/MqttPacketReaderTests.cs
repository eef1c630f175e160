using System.Buffers;
using NetworkTwin.Analytics.Tests.Parsing;
using NetworkTwin.Mqtt.Packets;

namespace NetworkTwin.Mqtt.Tests.Packets;

public class MqttPacketReaderTests
{
    private static byte[] Encode(Action<ArrayBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void TryRead_PublishInAnySegmentation_DecodesTopicIdAndPayload(int segmentLength)
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var bytes = Encode(w => MqttPacketWriter.WritePublish(w, new MqttMessage("nt/site-1/7/throughput", payload, MqttQos.AtLeastOnce, Retain: true), 513, duplicate: true));
        var buffer = Segments.Split(bytes, Math.Min(segmentLength, bytes.Length));

        var ok = MqttPacketReader.TryRead(ref buffer, 1 << 20, out var packet);

        Assert.True(ok);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(MqttPacketType.Publish, packet!.Type);
        Assert.Equal(513, packet.PacketId);
        Assert.Equal("nt/site-1/7/throughput", packet.Message!.Topic);
        Assert.Equal(payload, packet.Message.Payload.ToArray());
        Assert.True(packet.Message.Retain);
        Assert.True(packet.Message.Duplicate);
        Assert.Equal(MqttQos.AtLeastOnce, packet.Message.Qos);
    }

    [Fact]
    public void TryRead_IncompletePacket_ReturnsFalseAndConsumesNothing()
    {
        var bytes = Encode(w => MqttPacketWriter.WritePublish(w, new MqttMessage("a/b", new byte[50]), 0, false));
        var buffer = new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1);

        var ok = MqttPacketReader.TryRead(ref buffer, 1 << 20, out _);

        Assert.False(ok);
        Assert.Equal(bytes.Length - 1, buffer.Length);
    }

    [Fact]
    public void TryRead_DeclaredLengthOverLimit_ThrowsBeforeTheBodyArrives()
    {
        // PUBLISH declaring 2 MB, of which only the header has arrived.
        var header = new byte[] { 0x30, 0x80, 0x80, 0x80, 0x01 };
        var buffer = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<InvalidDataException>(() => MqttPacketReader.TryRead(ref buffer, 1 << 20, out _));

        Assert.Contains("exceeds the limit", ex.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, "more than 4 bytes")]
    [InlineData(new byte[] { 0x10, 0x00 }, "must not send a CONNECT")]
    [InlineData(new byte[] { 0x00, 0x00 }, "reserved type 0")]
    [InlineData(new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 }, "CONNACK remaining length is 3")]
    [InlineData(new byte[] { 0x36, 0x04, 0x00, 0x01, (byte)'a', 0x00 }, "QoS 3")]
    [InlineData(new byte[] { 0x32, 0x05, 0x00, 0x01, (byte)'a', 0x00, 0x00 }, "no valid packet id")]
    [InlineData(new byte[] { 0x30, 0x05, 0x00, 0x09, (byte)'a', 0x00, 0x00 }, "runs past the end")]
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x01, (byte)'#' }, "must not contain the wildcards")]
    [InlineData(new byte[] { 0x30, 0x04, 0x00, 0x02, 0xC3, 0x28 }, "not valid UTF-8")]
    [InlineData(new byte[] { 0x62, 0x02, 0x00, 0x00 }, "packet id 0")]
    [InlineData(new byte[] { 0x90, 0x03, 0x00, 0x01, 0x07 }, "SUBACK return code 0x07")]
    public void TryRead_MalformedPacket_ThrowsNamingTheProblem(byte[] bytes, string expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        var ex = Assert.Throws<InvalidDataException>(() => MqttPacketReader.TryRead(ref buffer, 1 << 20, out _));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Writer_Connect_MatchesTheSpecExample()
    {
        // MQTT 3.1.1 3.1: protocol name "MQTT", level 4, flags user+password+clean session, keep-alive 60.
        var bytes = Encode(w => MqttPacketWriter.WriteConnect(w, "id", cleanSession: true, 60, "u", "p"));

        Assert.Equal(
            new byte[] { 0x10, 20, 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4, 0xC2, 0, 60, 0, 2, (byte)'i', (byte)'d', 0, 1, (byte)'u', 0, 1, (byte)'p' }[..12],
            bytes[..12]);
        Assert.Equal(22, bytes.Length);
    }

    [Fact]
    public void Writer_LargePayload_UsesMultiByteRemainingLength()
    {
        var bytes = Encode(w => MqttPacketWriter.WritePublish(w, new MqttMessage("t", new byte[200_000]), 0, false));
        var buffer = Segments.Split(bytes, 4096);

        Assert.True(MqttPacketReader.TryRead(ref buffer, 1 << 20, out var packet));
        Assert.Equal(200_000, packet!.Message!.Payload.Length);
    }
}
