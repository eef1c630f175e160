using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Alignment;

/// <summary>Puts per-slot telemetry of several clocks on one slot grid starting at a common origin.</summary>
public static class SlotBinning
{
    public const double SlotSeconds = SymbolGrid.SlotSeconds;

    /// <summary>Slot index of a time on a grid starting at <paramref name="originSeconds"/>.</summary>
    public static int SlotOf(double timeSeconds, double originSeconds) => (int)Math.Floor((timeSeconds - originSeconds) / SlotSeconds);

    /// <summary>Sorted, distinct slot indices in which the cell lost at least one packet.</summary>
    public static int[] LossSlots(PacketStatsSeries stats, double originSeconds, int gridLength)
    {
        var slots = new List<int>();
        for (var i = 0; i < stats.Count; i++)
        {
            if (stats.LostPackets(i) > 0)
            {
                var s = SlotOf(stats.TimeOf(i), originSeconds);
                if (s >= 0 && s < gridLength)
                {
                    slots.Add(s);
                }
            }
        }

        slots.Sort();
        return [.. slots.Distinct()];
    }

    /// <summary>Transmitted packets per slot (the RU's view of the DU's traffic).</summary>
    public static double[] TxPerSlot(PacketStatsSeries stats, double originSeconds, int gridLength)
    {
        var series = new double[gridLength];
        TxPerSlot(stats, originSeconds, series);
        return series;
    }

    /// <summary>Transmitted packets per slot into <paramref name="series"/> (the grid is its length).</summary>
    public static void TxPerSlot(PacketStatsSeries stats, double originSeconds, Span<double> series)
    {
        var gridLength = series.Length;
        series.Clear();
        for (var i = 0; i < stats.Count; i++)
        {
            var s = SlotOf(stats.TimeOf(i), originSeconds);
            if (s >= 0 && s < gridLength)
            {
                series[s] += stats.TxPackets[i];
            }
        }

    }

    /// <summary>DU kilobits per slot from a symbol grid.</summary>
    public static double[] KbitPerSlot(SymbolGrid grid, double originSeconds, int gridLength)
    {
        var series = new double[gridLength];
        KbitPerSlot(grid, originSeconds, series);
        return series;
    }

    /// <summary>DU kilobits per slot from a symbol grid into <paramref name="series"/> (the grid is its length).</summary>
    public static void KbitPerSlot(SymbolGrid grid, double originSeconds, Span<double> series)
    {
        var gridLength = series.Length;
        series.Clear();
        for (var i = 0; i < grid.Kbit.Length; i++)
        {
            var s = SlotOf((grid.FirstSymbol + i + 0.5) * SymbolGrid.SymbolSeconds, originSeconds);
            if (s >= 0 && s < gridLength)
            {
                series[s] += grid.Kbit[i];
            }
        }

    }

    /// <summary>DU kilobits per slot from one column of the slot table.</summary>
    public static double[] KbitPerSlot(SlotTable table, int column, double originSeconds, int gridLength)
    {
        var series = new double[gridLength];
        KbitPerSlot(table, column, originSeconds, series);
        return series;
    }

    /// <summary>DU kilobits per slot from one column of the slot table into <paramref name="series"/>.</summary>
    public static void KbitPerSlot(SlotTable table, int column, double originSeconds, Span<double> series)
    {
        var gridLength = series.Length;
        series.Clear();
        var first = SlotOf(table.StartSeconds + (SlotSeconds / 2), originSeconds);
        var kbit = table.KbitByCell[column];
        for (var k = 0; k < kbit.Length; k++)
        {
            var s = first + k;
            if (s >= 0 && s < gridLength)
            {
                series[s] += kbit[k];
            }
        }

    }

    /// <summary>Sums consecutive blocks of <paramref name="factor"/> samples.</summary>
    public static double[] Coarsen(ReadOnlySpan<double> series, int factor)
    {
        var coarse = new double[(series.Length + factor - 1) / factor];
        for (var i = 0; i < series.Length; i++)
        {
            coarse[i / factor] += series[i];
        }

        return coarse;
    }

    /// <summary>Counts events per block of <paramref name="factor"/> slots.</summary>
    public static double[] Coarsen(int[] eventSlots, int gridLength, int factor)
    {
        var coarse = new double[(gridLength + factor - 1) / factor];
        foreach (var s in eventSlots)
        {
            coarse[s / factor] += 1;
        }

        return coarse;
    }
}
