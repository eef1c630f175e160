using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Contracts.Tests.Telemetry;

public class TelemetryContractTests
{
    private sealed class Rows : ITelemetryRowSink
    {
        public List<(double T, double Kbit)> Throughput { get; } = [];

        public List<(double T, int Tx, int Rx, int Late)> Stats { get; } = [];

        void ITelemetryRowSink.Throughput(double timeSeconds, double kbit) => Throughput.Add((timeSeconds, kbit));

        void ITelemetryRowSink.PacketStats(double timeSeconds, int txPackets, int rxPackets, int tooLatePackets) =>
            Stats.Add((timeSeconds, txPackets, rxPackets, tooLatePackets));
    }

    [Theory]
    [InlineData("nt/paris-15/7/throughput", "paris-15", 7, TelemetryKind.Throughput)]
    [InlineData("nt/s/0/pkt-stats", "s", 0, TelemetryKind.PacketStats)]
    public void TryParse_ValidTopic_RoundTrips(string topic, string site, int cell, TelemetryKind kind)
    {
        var ok = TelemetryTopic.TryParse(topic, out var parsed, out var error);

        Assert.True(ok, error);
        Assert.Equal(new TelemetryTopic(site, cell, kind), parsed);
        Assert.Equal(topic, parsed.ToString());
    }

    [Theory]
    [InlineData("nt/site/7", "is not nt/<site>/<cell>")]
    [InlineData("nt/site/x7/throughput", "cell \"x7\"")]
    [InlineData("nt/site/70000/throughput", "0..65535")]
    [InlineData("nt/si te/7/throughput", "may only hold")]
    [InlineData("nt/site/7/latency", "neither throughput nor pkt-stats")]
    public void TryParse_BadTopic_SaysWhatIsWrong(string topic, string expected)
    {
        var ok = TelemetryTopic.TryParse(topic, out _, out var error);

        Assert.False(ok);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Binary_RoundTripsBothKindsAndTheSendTime()
    {
        var throughput = BinaryTelemetryBatch.EncodeThroughput([1.0, 1.0000357], [12.5f, 0f], sentUnixNanos: 42);
        var stats = BinaryTelemetryBatch.EncodePacketStats([1.0005], [100], [98], [1]);
        var rows = new Rows();

        Assert.Null(BinaryTelemetryBatch.Decode(throughput, TelemetryKind.Throughput, rows, out var n1));
        Assert.Null(BinaryTelemetryBatch.Decode(stats, TelemetryKind.PacketStats, rows, out var n2));

        Assert.True(BinaryTelemetryBatch.IsBinary(throughput));
        Assert.Equal(42, BinaryTelemetryBatch.SentUnixNanos(throughput));
        Assert.Equal((2, 1), (n1, n2));
        Assert.Equal([(1.0, 12.5), (1.0000357, 0.0)], rows.Throughput);
        Assert.Equal([(1.0005, 100, 98, 1)], rows.Stats);
    }

    [Fact]
    public void Binary_TruncatedBadRowOrWrongKind_RejectedWholeWithNoRowsDelivered()
    {
        var good = BinaryTelemetryBatch.EncodePacketStats([1.0, 2.0], [10, 10], [9, 9], [0, 0]);
        var badRow = BinaryTelemetryBatch.EncodePacketStats([1.0, 2.0], [10, 10], [9, 11], [0, 0]);
        var rows = new Rows();

        var truncated = BinaryTelemetryBatch.Decode(good.AsSpan(0, good.Length - 1), TelemetryKind.PacketStats, rows, out _);
        var wrongKind = BinaryTelemetryBatch.Decode(good, TelemetryKind.Throughput, rows, out _);
        var invalid = BinaryTelemetryBatch.Decode(badRow, TelemetryKind.PacketStats, rows, out _);

        Assert.Contains("declares 2 rows", truncated);
        Assert.Contains("topic says throughput", wrongKind);
        Assert.Contains("row 2", invalid);
        Assert.Empty(rows.Stats);
    }
}
