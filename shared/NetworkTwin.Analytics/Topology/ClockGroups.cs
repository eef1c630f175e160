using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Topology;

/// <summary>
/// Cells that share an RU clock: their loss patterns line up (a significant peak at least as strong as a link's)
/// at a lag of a few slots at most, because one radio unit stamps them all with one clock. Such cells sit on one
/// radio unit and one fronthaul port, so link discovery clusters and splits these groups, never the cells of one.
/// </summary>
public static class ClockGroups
{
    /// <summary>Largest lag, in slots, between two cells of one clock (the refinement's own jitter is a slot or two).</summary>
    public const int ToleranceSlots = 3;

    /// <param name="peaks">Lag-aligned loss correlation of every pair of cells (<see cref="LossEvidenceResult.Peaks"/>).</param>
    /// <param name="evidence">The cells with loss (<see cref="LossEvidenceResult.Evidence"/>): indices into <paramref name="peaks"/>.</param>
    /// <param name="similarity">Among <paramref name="evidence"/>: the significant peak correlations.</param>
    /// <param name="minCorrelation">The weakest correlation that counts as one link.</param>
    /// <returns>Groups of indices into <paramref name="evidence"/>, each sorted, in order of their first member; cells alone included.</returns>
    public static List<List<int>> Find(CorrelationPeak[,] peaks, int[] evidence, double[,] similarity, double minCorrelation)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(similarity);
        var parent = Enumerable.Range(0, evidence.Length).ToArray();
        int Root(int a)
        {
            while (parent[a] != a)
            {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }

            return a;
        }

        for (var a = 0; a < evidence.Length; a++)
        {
            for (var b = a + 1; b < evidence.Length; b++)
            {
                if (similarity[a, b] > 0 && similarity[a, b] >= minCorrelation && Math.Abs(peaks[evidence[a], evidence[b]].Lag) <= ToleranceSlots)
                {
                    parent[Root(b)] = Root(a);
                }
            }
        }

        return [.. Enumerable.Range(0, evidence.Length).GroupBy(Root).Select(g => g.Order().ToList()).OrderBy(g => g[0])];
    }
}
