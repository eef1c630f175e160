using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Tests.Capacity;

public class EcpriPacketizerTests
{
    private static LinkTraffic Traffic(params double[][] kbitPerCell) =>
        new(1, [.. Enumerable.Range(1, kbitPerCell.Length)], SymbolGrid.SymbolSeconds, "symbol", 0, kbitPerCell);

    [Fact]
    public void Arrivals_EveryByteOfTheSeries_IsSentInFramesNoLargerThanTheLimit()
    {
        // 400 kbit = 50,000 B in one symbol: 6 frames of at most 9,000 B; fractions of a byte carry over.
        var traffic = Traffic([400, 0, 0.004, 0.004, 12.5], [0.5, 72, 0, 0, 0]);

        var packets = EcpriPacketizer.Arrivals(traffic, maxFrameBytes: 9000).ToList();

        var expected = traffic.KbitPerCell.Sum(c => c.Sum()) * 125;
        Assert.InRange(packets.Sum(p => (long)p.Bytes), expected - 2, expected);
        Assert.All(packets, p => Assert.InRange(p.Bytes, 1, 9000));
        Assert.Equal(6 + 1, packets.Count(p => p.TimeNs <= (long)(SymbolGrid.SymbolSeconds * 1e9) + 1));

        // Equal frames: 50,000 B as 6 frames is 8,334 or 8,333 B each, not five full ones and a runt.
        Assert.All(packets.Take(6).Where(p => p.Bytes > 100), p => Assert.InRange(p.Bytes, 8333, 8334));
    }

    [Fact]
    public void Arrivals_AreInTimeOrder_EachInsideItsInterval_SpreadOverIt()
    {
        var traffic = Traffic([100, 300, 0, 50], [300, 100, 80, 0]);
        var intervalNs = SymbolGrid.SymbolSeconds * 1e9;

        var packets = EcpriPacketizer.Arrivals(traffic, maxFrameBytes: 1500).ToList();

        Assert.Equal(packets.OrderBy(p => p.TimeNs).Select(p => p.TimeNs), packets.Select(p => p.TimeNs));
        Assert.All(packets, p => Assert.InRange(p.TimeNs, 1, (long)Math.Round(4 * intervalNs)));

        // The second symbol's 50,000 B of cell 1 arrive as 34 frames, the last one at the symbol's end (store and forward).
        var second = packets.Where(p => p.TimeNs > intervalNs + 1 && p.TimeNs <= (2 * intervalNs) + 1).ToList();
        Assert.Equal((long)Math.Round(2 * intervalNs), second.Max(p => p.TimeNs));
        Assert.True(second.Min(p => p.TimeNs) < intervalNs + (intervalNs / 20), "the frames are spread over the symbol, not bunched at its end");
    }

    [Fact]
    public void Arrivals_WithHeaders_AddThemToEveryFrame()
    {
        var traffic = Traffic([72]);

        var bare = EcpriPacketizer.Arrivals(traffic, 9000).ToList();
        var framed = EcpriPacketizer.Arrivals(traffic, 9000, headerBytes: 46).ToList();

        Assert.Equal(bare.Count + 1, framed.Count);
        Assert.Equal(9000, bare.Sum(p => p.Bytes));
        Assert.Equal(9000 + (46 * framed.Count), framed.Sum(p => p.Bytes));
        Assert.All(framed, p => Assert.True(p.Bytes <= 9000));
    }

    [Fact]
    public void Arrivals_NoTraffic_NoPackets()
    {
        Assert.Empty(EcpriPacketizer.Arrivals(Traffic([0, 0, 0])));
        Assert.Empty(EcpriPacketizer.Arrivals(new LinkTraffic(1, [], SymbolGrid.SlotSeconds, "none", 0, [])));
    }
}
