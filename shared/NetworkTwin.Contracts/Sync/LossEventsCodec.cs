namespace NetworkTwin.Contracts.Sync;

/// <summary>Gap coding of loss slots in <see cref="CellLossEvents"/>, both ways.</summary>
public static class LossEventsCodec
{
    /// <summary>Slot length of 5G NR at 30 kHz subcarrier spacing: the grid loss events are counted on.</summary>
    public const double SlotSeconds = 0.0005;

    /// <param name="slots">Sorted, distinct absolute slot indices (at least one).</param>
    public static CellLossEvents Encode(int cellId, IReadOnlyList<long> slots)
    {
        ArgumentOutOfRangeException.ThrowIfZero(slots.Count);
        var message = new CellLossEvents { CellId = cellId, SlotSeconds = SlotSeconds, FirstSlot = slots[0] };
        for (var i = 1; i < slots.Count; i++)
        {
            message.SlotGaps.Add(slots[i] - slots[i - 1]);
        }

        return message;
    }

    /// <summary>The absolute slot indices; throws <see cref="InvalidDataException"/> when the message is not on the standard grid or not increasing.</summary>
    public static long[] Decode(CellLossEvents message)
    {
        if (Math.Abs(message.SlotSeconds - SlotSeconds) > 1e-12)
        {
            throw new InvalidDataException($"loss events of cell {message.CellId} use slots of {message.SlotSeconds} s; only {SlotSeconds} s is supported");
        }

        var slots = new long[message.SlotGaps.Count + 1];
        slots[0] = message.FirstSlot;
        for (var i = 0; i < message.SlotGaps.Count; i++)
        {
            var gap = message.SlotGaps[i];
            if (gap <= 0)
            {
                throw new InvalidDataException($"loss events of cell {message.CellId}: gap {i + 1} is {gap}; gaps must be positive");
            }

            slots[i + 1] = slots[i] + gap;
        }

        return slots;
    }
}
