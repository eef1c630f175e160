using System.Buffers;
using Google.Protobuf;
using NetworkTwin.Analytics.Tests.Parsing;
using NetworkTwin.Rpc.Framing;
using NetworkTwin.Rpc.Tests.Echo;

namespace NetworkTwin.Rpc.Tests.Framing;

public class GrpcFramingTests
{
    private static byte[] Frame(IMessage message, bool gzip)
    {
        var writer = new ArrayBufferWriter<byte>();
        GrpcFraming.Write(writer, message, gzip);
        return writer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData(false, int.MaxValue)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    public void TryRead_AnySegmentation_ReadsTwoMessages(bool gzip, int segment)
    {
        var bytes = Frame(new EchoReply { Text = "one" }, gzip).Concat(Frame(new EchoReply { Text = "two", Index = 2 }, gzip)).ToArray();
        var buffer = Segments.Split(bytes, Math.Min(segment, bytes.Length));

        Assert.True(GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 1024, gzip, out var first));
        Assert.True(GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 1024, gzip, out var second));
        Assert.False(GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 1024, gzip, out _));

        Assert.Equal(("one", "two", 2), (first!.Text, second!.Text, second.Index));
    }

    [Fact]
    public void TryRead_DeclaredLengthOverLimit_RefusedBeforeTheBodyArrives()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 0x10, 0, 0, 0 });

        var ex = Assert.Throws<RpcException>(() => GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 1024, false, out _));

        Assert.Equal(RpcStatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public void TryRead_GzipBomb_RefusedAtTheLimit()
    {
        var bomb = Frame(new EchoReply { Text = new string('a', 100_000) }, gzip: true);
        var buffer = new ReadOnlySequence<byte>(bomb);

        var ex = Assert.Throws<RpcException>(() => GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 10_000, true, out _));

        Assert.Contains("inflates beyond", ex.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0, 0 }, "compressed flag 2")]
    [InlineData(new byte[] { 0, 0, 0, 0, 2, 0xFF, 0xFF }, "not a valid EchoReply")]
    public void TryRead_Malformed_IsInternalWithTheReason(byte[] bytes, string expected)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        var ex = Assert.Throws<RpcException>(() => GrpcFraming.TryRead(ref buffer, EchoReply.Parser, 1024, false, out _));

        Assert.Equal(RpcStatusCode.Internal, ex.StatusCode);
        Assert.Contains(expected, ex.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("100m", 100_000)]
    [InlineData("5S", 5_000_000)]
    [InlineData("30u", 30)]
    [InlineData("1H", 3_600_000_000)]
    public void ParseTimeout_EveryUnit(string value, long micros)
    {
        Assert.Equal(TimeSpan.FromMicroseconds(micros), GrpcHeaders.ParseTimeout(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("123456789S")]
    [InlineData("-5m")]
    public void ParseTimeout_Malformed_IsNull(string value)
    {
        Assert.Null(GrpcHeaders.ParseTimeout(value));
    }

    [Fact]
    public void Message_PercentEncoding_RoundTripsUnicodeAndPercent()
    {
        var encoded = GrpcHeaders.EncodeMessage("ü 100% ok");

        Assert.Equal("%C3%BC 100%25 ok", encoded);
        Assert.Equal("ü 100% ok", GrpcHeaders.DecodeMessage(encoded));
    }
}
