using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Tests.Fronthaul;

public class PacketStatsSeriesTests
{
    [Fact]
    public void EverySlot_ReadsLikeTheSameRowsWithTheirTimes_WithoutHoldingTheTimes()
    {
        int[] tx = [10, 10, 12, 9, 10];
        int[] rx = [10, 8, 12, 9, 7];
        int[] late = [0, 0, 1, 0, 0];
        var slots = PacketStatsSeries.EverySlot(3, firstSlot: 4000, tx, rx, late);
        var rows = new PacketStatsSeries(3, [.. Enumerable.Range(4000, 5).Select(s => (s + 0.5) * SymbolGrid.SlotSeconds)], tx, rx, late);

        Assert.Equal(rows.Count, slots.Count);
        Assert.Equal(Enumerable.Range(0, 5).Select(rows.TimeOf), Enumerable.Range(0, 5).Select(slots.TimeOf));
        Assert.Equal(rows.TimeRange(), slots.TimeRange());
        Assert.Equal(rows.Totals(), slots.Totals());

        // What the analysis bins is the same either way: loss in slots 1, 2 and 4 of a grid that starts at slot 4000.
        var origin = 4000 * SymbolGrid.SlotSeconds;
        Assert.Equal([1, 2, 4], SlotBinning.LossSlots(slots, origin, 10));
        Assert.Equal(SlotBinning.LossSlots(rows, origin, 10), SlotBinning.LossSlots(slots, origin, 10));
        Assert.Equal(SlotBinning.TxPerSlot(rows, origin, 10), SlotBinning.TxPerSlot(slots, origin, 10));

        // Asked for, the times are made, and they are the rows' times.
        Assert.Equal(rows.TimesSeconds, slots.TimesSeconds);
    }

    [Fact]
    public void EverySlot_ColumnsOfDifferentLengths_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => PacketStatsSeries.EverySlot(1, 0, [1, 2], [1], [0, 0]));
        Assert.Null(PacketStatsSeries.EverySlot(1, 0, [], [], []).TimeRange());
    }
}
