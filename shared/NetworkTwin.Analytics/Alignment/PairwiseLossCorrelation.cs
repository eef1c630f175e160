using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Alignment;

/// <summary>
/// Lag-aligned correlation of the loss patterns of every pair of cells. Cells behind one
/// congested switch port lose packets in the same slots of true time, so their loss patterns
/// line up once shifted by the difference of their RU clock offsets: the lag of the peak is that
/// difference and the height of the peak is the evidence that they share a link.
/// </summary>
public static class PairwiseLossCorrelation
{
    /// <param name="lossSlots">Per cell: sorted slot indices (common grid) with loss.</param>
    /// <param name="gridLength">Slots on the grid.</param>
    /// <param name="maxLagSlots">Largest clock difference to consider between two cells.</param>
    /// <param name="parallel">How many cores to use (default: all).</param>
    /// <returns>peaks[i, j]: lag of cell i against cell j (o_i - o_j in slots), correlation, z.</returns>
    public static CorrelationPeak[,] Compute(int[][] lossSlots, int gridLength, int maxLagSlots, ParallelOptions? parallel = null)
    {
        var n = lossSlots.Length;
        var peaks = new CorrelationPeak[n, n];
        if (n < 2)
        {
            return peaks;
        }

        const int Factor = LagSearch.CoarseFactor;
        var coarseLength = (gridLength + Factor - 1) / Factor;
        var correlator = new CrossCorrelator(coarseLength, (maxLagSlots / Factor) + 1);
        parallel ??= new ParallelOptions();
        var prepared = new PreparedSeries[n];
        var present = new bool[n][];
        Parallel.For(0, n, parallel, i =>
        {
            prepared[i] = correlator.Prepare(SlotBinning.Coarsen(lossSlots[i], gridLength, Factor));
            present[i] = LagSearch.PresenceOf(lossSlots[i], gridLength);
        });

        var pairs = new List<(int I, int J)>(n * (n - 1) / 2);
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                pairs.Add((i, j));
            }
        }

        Parallel.ForEach(pairs, parallel, pair =>
        {
            var coarse = correlator.Correlate(prepared[pair.I], prepared[pair.J]);
            var fine = coarse.Correlation > 0
                ? LagSearch.RefineEvents(lossSlots[pair.I], present[pair.I], lossSlots[pair.J], gridLength, coarse, Factor)
                : coarse with { Lag = coarse.Lag * Factor };
            if (Math.Abs(fine.Lag) > maxLagSlots)
            {
                fine = CorrelationPeak.None;
            }

            peaks[pair.I, pair.J] = fine;
            peaks[pair.J, pair.I] = fine with { Lag = -fine.Lag };
        });

        return peaks;
    }
}
