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
    /// <summary>Multiply-adds an FFT pair costs per point per level of the transform, against the sparse path's (measured).</summary>
    private const double FftCostPerPair = 2.0;

    /// <param name="lossSlots">Per cell: sorted slot indices (common grid) with loss.</param>
    /// <param name="gridLength">Slots on the grid.</param>
    /// <param name="maxLagSlots">Largest clock difference to consider between two cells.</param>
    /// <param name="parallel">How many cores to use (default: all).</param>
    /// <param name="method">How each pair is correlated: by default the cheaper of the two for that pair (the same figures either way).</param>
    /// <param name="minZ">
    /// The weakest peak that matters to the caller: a pair whose peak cannot score this high is left
    /// <see cref="CorrelationPeak.None"/>, neither scored nor refined (default: every pair scored).
    /// </param>
    /// <returns>peaks[i, j]: lag of cell i against cell j (o_i - o_j in slots), correlation, z.</returns>
    public static CorrelationPeak[,] Compute(int[][] lossSlots, int gridLength, int maxLagSlots, ParallelOptions? parallel = null, PairCorrelation method = PairCorrelation.Cheapest, double minZ = 0)
    {
        var n = lossSlots.Length;
        var peaks = new CorrelationPeak[n, n];
        if (n < 2)
        {
            return peaks;
        }

        const int Factor = LagSearch.CoarseFactor;
        var coarseLength = (gridLength + Factor - 1) / Factor;
        var maxCoarseLag = (maxLagSlots / Factor) + 1;
        var fft = new CrossCorrelator(coarseLength, maxCoarseLag);
        var sparse = new SparseCrossCorrelator(coarseLength, maxCoarseLag);
        parallel ??= new ParallelOptions();
        var coarse = new SparseSeries[n];
        var present = new bool[n][];
        Parallel.For(0, n, parallel, i =>
        {
            coarse[i] = sparse.Prepare(SlotBinning.Coarsen(lossSlots[i], gridLength, Factor));
            present[i] = LagSearch.PresenceOf(lossSlots[i], gridLength);
        });

        // Loss is rare, so most pairs are cheaper from their loss events than by FFT; the spectrum of a cell is
        // computed only when one of its pairs is dense enough to need it. Both give the same curve.
        var fftCost = FftCostPerPair * fft.FftSize * Math.Log2(fft.FftSize);
        var pairs = new List<(int I, int J, bool Fft)>(n * (n - 1) / 2);
        var needsSpectrum = new bool[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var useFft = method == PairCorrelation.Fft || (method == PairCorrelation.Cheapest && sparse.Cost(coarse[i], coarse[j]) > fftCost);
                needsSpectrum[i] |= useFft;
                needsSpectrum[j] |= useFft;
                pairs.Add((i, j, useFft));
            }
        }

        var spectra = new PreparedSeries?[n];
        Parallel.For(0, n, parallel, i =>
        {
            if (needsSpectrum[i])
            {
                spectra[i] = fft.Prepare(SlotBinning.Coarsen(lossSlots[i], gridLength, Factor));
            }
        });

        Parallel.ForEach(pairs, parallel, pair =>
        {
            var peak = pair.Fft ? fft.Correlate(spectra[pair.I]!, spectra[pair.J]!, minZ) : sparse.Correlate(coarse[pair.I], coarse[pair.J], minZ);
            var fine = peak.Correlation > 0
                ? LagSearch.RefineEvents(lossSlots[pair.I], present[pair.I], lossSlots[pair.J], gridLength, peak, Factor)
                : peak with { Lag = peak.Lag * Factor };
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

/// <summary>How <see cref="PairwiseLossCorrelation"/> correlates a pair of cells.</summary>
public enum PairCorrelation
{
    /// <summary>From the loss events where they are few, by FFT where they are many.</summary>
    Cheapest,

    /// <summary>Every pair by FFT over the whole window (the method before the sparse path; kept for benchmarks).</summary>
    Fft,

    /// <summary>Every pair from its loss events.</summary>
    Sparse,
}
