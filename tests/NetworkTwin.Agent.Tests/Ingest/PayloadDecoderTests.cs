using System.Text;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Ingest;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Tests.Ingest;

public class PayloadDecoderTests
{
    private static readonly TelemetryTopic Throughput = new("s", 4, TelemetryKind.Throughput);
    private static readonly TelemetryTopic Stats = new("s", 4, TelemetryKind.PacketStats);

    private static (PayloadDecoder Decoder, LiveTwin Twin) Create()
    {
        var twin = new LiveTwin(Options.Create(new AgentOptions()));
        return (new PayloadDecoder(twin), twin);
    }

    [Fact]
    public void Decode_TextWithOneBadLine_UsesTheGoodRowsAndNamesTheBadLine()
    {
        var (decoder, twin) = Create();

        var outcome = decoder.Decode(Throughput, Throughput.ToString(), Encoding.ASCII.GetBytes("1.0 10\n1.0001 oops\n1.0002 20\n"));

        Assert.Equal(2, outcome.Rows);
        Assert.Equal(1, outcome.MalformedLines);
        Assert.Equal(2, outcome.FirstMalformed!.LineNumber);
        Assert.Contains("kbit", outcome.FirstMalformed.Reason);
        Assert.Equal(2, twin.Cell(4)!.ThroughputRows);
    }

    [Fact]
    public void Decode_SameParserForManyPayloads_TreatsEachAsItsOwnInput()
    {
        var (decoder, _) = Create();

        decoder.Decode(Stats, Stats.ToString(), Encoding.ASCII.GetBytes("time tx rx late\n1.0 10 9 0\n"));
        var second = decoder.Decode(Stats, Stats.ToString(), Encoding.ASCII.GetBytes("1.0005 10 10 1\n"));

        Assert.Equal(1, second.Rows);
        Assert.Null(second.Problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage\n")]
    [InlineData("\0NT\u0001junk")]
    public void Decode_NoUsableRows_RefusesThePayloadWithAReason(string payload)
    {
        var (decoder, twin) = Create();

        var outcome = decoder.Decode(Stats, Stats.ToString(), Encoding.Latin1.GetBytes(payload));

        Assert.Equal(0, outcome.Rows);
        Assert.Contains("nt/s/4/pkt-stats", outcome.Problem);
        Assert.Equal(0, twin.Cell(4)!.PacketRows);
    }

    [Fact]
    public void Decode_BinaryWithSendStamp_AppliesRowsAndReturnsTheStamp()
    {
        var (decoder, twin) = Create();
        var payload = BinaryTelemetryBatch.EncodeThroughput([1.0, 1.1], [5f, 6f], sentUnixNanos: 1234);

        var outcome = decoder.Decode(Throughput, Throughput.ToString(), payload);

        Assert.Equal((2, 1234L), (outcome.Rows, outcome.SentUnixNanos));
        Assert.Equal(2, twin.Cell(4)!.ThroughputRows);
    }
}
