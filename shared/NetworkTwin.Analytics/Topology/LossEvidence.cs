using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Topology;

/// <summary>The pairwise evidence that cells share a link, from their loss slots.</summary>
/// <param name="Peaks">Lag-aligned loss correlation of every pair (lag = o_i - o_j in slots); <see cref="CorrelationPeak.None"/> for a pair whose peak could not reach the evidence threshold.</param>
/// <param name="Evidence">Indices of the cells that lost packets at all: only they say anything about their link.</param>
/// <param name="Similarity">Among <paramref name="Evidence"/>: the peak correlation where it is significant, else 0.</param>
public sealed record LossEvidenceResult(CorrelationPeak[,] Peaks, int[] Evidence, double[,] Similarity);

/// <summary>
/// Turns loss slots per cell into the similarity matrix link clustering works on. Used by the
/// batch and live analysis of one capture and by the coordinator across agents alike.
/// </summary>
public static class LossEvidence
{
    /// <param name="lossSlots">Per cell: sorted, distinct slot indices with loss on a common grid.</param>
    /// <param name="gridLength">Slots on the grid.</param>
    /// <param name="maxClockOffsetSeconds">Largest RU clock offset either way; pairs are searched within twice that.</param>
    /// <param name="minPeakZ">Weakest peak (in standard deviations) that counts as evidence.</param>
    /// <param name="parallel">How many cores to use.</param>
    public static LossEvidenceResult Correlate(int[][] lossSlots, int gridLength, double maxClockOffsetSeconds, double minPeakZ, ParallelOptions parallel)
    {
        var maxLagSlots = (int)Math.Ceiling(2 * maxClockOffsetSeconds / SlotBinning.SlotSeconds);
        // Pairs that cannot reach minPeakZ are not scored: they would not count as evidence either way.
        var peaks = PairwiseLossCorrelation.Compute(lossSlots, gridLength, maxLagSlots, parallel, minZ: minPeakZ);
        var evidence = Enumerable.Range(0, lossSlots.Length).Where(i => lossSlots[i].Length > 0).ToArray();
        var similarity = new double[evidence.Length, evidence.Length];
        for (var a = 0; a < evidence.Length; a++)
        {
            for (var b = 0; b < evidence.Length; b++)
            {
                var p = peaks[evidence[a], evidence[b]];
                similarity[a, b] = a != b && IsEvidence(p, minPeakZ) ? p.Correlation : 0;
            }
        }

        return new LossEvidenceResult(peaks, evidence, similarity);
    }

    /// <summary>A positive correlation peak at least <paramref name="minPeakZ"/> standard deviations high.</summary>
    public static bool IsEvidence(CorrelationPeak p, double minPeakZ) => p.Correlation > 0 && p.ZScore >= minPeakZ;
}
