namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// RU-side packet statistics of one cell per slot, as in <c>pkt-stats-cell-N.dat</c>. Times are
/// on the RU's own clock, which is shifted by an unknown fixed offset.
/// </summary>
/// <remarks>
/// Two forms: rows with their own times (a parsed file), or one row for every slot from a first one on (<see cref="EverySlot"/>,
/// a live agent's window), whose times are the slots' middles and are not held. The analysis reads both through
/// <see cref="Count"/>, <see cref="TimeOf"/> and <see cref="TimeRange"/>; <see cref="TimesSeconds"/> makes the array of
/// the second form only when it is asked for.
/// </remarks>
public sealed record PacketStatsSeries(int CellId, double[] TimesSeconds, int[] TxPackets, int[] RxPackets, int[] TooLatePackets)
{
    private readonly long? _firstSlot;
    private double[]? _times = TimesSeconds;

    private PacketStatsSeries(int cellId, long firstSlot, int[] txPackets, int[] rxPackets, int[] tooLatePackets)
        : this(cellId, null!, txPackets, rxPackets, tooLatePackets)
    {
        _firstSlot = firstSlot;
    }

    /// <summary>Row i's time; for <see cref="EverySlot"/>, slot first + i's middle, made on demand.</summary>
    public double[] TimesSeconds
    {
        get => _times ??= [.. Enumerable.Range(0, Count).Select(TimeOf)];
        init => _times = value;
    }

    /// <summary>One row for every slot from <paramref name="firstSlot"/> on (slot = RU time / slot length), each at its slot's middle.</summary>
    public static PacketStatsSeries EverySlot(int cellId, long firstSlot, int[] txPackets, int[] rxPackets, int[] tooLatePackets)
    {
        ArgumentNullException.ThrowIfNull(txPackets);
        ArgumentNullException.ThrowIfNull(rxPackets);
        ArgumentNullException.ThrowIfNull(tooLatePackets);
        if (rxPackets.Length != txPackets.Length || tooLatePackets.Length != txPackets.Length)
        {
            throw new ArgumentException("every column needs one value per slot");
        }

        return new PacketStatsSeries(cellId, firstSlot, txPackets, rxPackets, tooLatePackets);
    }

    /// <summary>Rows.</summary>
    public int Count => TxPackets.Length;

    /// <summary>Row <paramref name="i"/>'s time in seconds (RU clock).</summary>
    public double TimeOf(int i) => _times is { } times ? times[i] : (_firstSlot!.Value + i + 0.5) * SymbolGrid.SlotSeconds;

    /// <summary>The earliest and latest row times; null without rows.</summary>
    public (double First, double Last)? TimeRange()
    {
        if (Count == 0)
        {
            return null;
        }

        return _times is { } times ? (times.Min(), times.Max()) : (TimeOf(0), TimeOf(Count - 1));
    }

    /// <summary>Packets lost in a slot: dropped by the switch plus arrived too late to use.</summary>
    public int LostPackets(int i) => Math.Max(0, TxPackets[i] - RxPackets[i]) + TooLatePackets[i];

    /// <summary>Packets sent and lost over the whole series.</summary>
    public (long Tx, long Lost) Totals()
    {
        long tx = 0;
        long lost = 0;
        for (var i = 0; i < TxPackets.Length; i++)
        {
            tx += TxPackets[i];
            lost += LostPackets(i);
        }

        return (tx, lost);
    }
}
