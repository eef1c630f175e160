using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Contracts.Tests.Sync;

public class LossEventsCodecTests
{
    [Fact]
    public void EncodeDecode_RoundTripsAbsoluteSlots()
    {
        long[] slots = [3_400_000_123, 3_400_000_124, 3_400_009_000];

        var message = LossEventsCodec.Encode(7, slots);

        Assert.Equal([1L, 8876L], message.SlotGaps);
        Assert.Equal(slots, LossEventsCodec.Decode(message));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    public void Decode_NonIncreasingGap_IsRefusedNamingTheCell(long gap)
    {
        var message = new CellLossEvents { CellId = 9, SlotSeconds = LossEventsCodec.SlotSeconds, FirstSlot = 100, SlotGaps = { 1, gap } };

        var error = Assert.Throws<InvalidDataException>(() => LossEventsCodec.Decode(message));

        Assert.Contains("cell 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OtherSlotLength_IsRefused()
    {
        Assert.Throws<InvalidDataException>(() => LossEventsCodec.Decode(new CellLossEvents { CellId = 1, SlotSeconds = 0.001, FirstSlot = 1 }));
    }
}
