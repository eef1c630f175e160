namespace NetworkTwin.Analytics.Statistics;

/// <summary>Order statistics in O(n) by selection (no full sort), on a scratch copy.</summary>
public static class Quantile
{
    /// <summary>
    /// The q-quantile (0..1) with the "nearest rank" definition: the smallest value such that at
    /// least q of the samples are at or below it. <paramref name="scratch"/> is reordered.
    /// </summary>
    public static double Select(Span<double> scratch, double q)
    {
        if (scratch.IsEmpty)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        return NthElement(scratch, RankOf(scratch.Length, q));
    }

    /// <summary>The index a sort would give the q-quantile of <paramref name="count"/> samples ("nearest rank", as <see cref="Select"/>).</summary>
    public static int RankOf(int count, double q) => (int)Math.Clamp(Math.Ceiling(q * count) - 1, 0, count - 1);

    /// <summary>
    /// The k-th smallest value (the one a sort would place at index k); <paramref name="a"/> is reordered. Quickselect
    /// with branch-free partitions (below, equal to and above a pivot) and the median of three pseudo-random pivots:
    /// on data in no order, such as a correlation curve or a cell's symbols, a branching partition mispredicts about
    /// every other comparison, and that was most of its time. NaN must not occur.
    /// </summary>
    public static double NthElement(Span<double> a, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, a.Length);
        var lo = 0;
        var hi = a.Length - 1;
        var state = 0x9E3779B9u;
        for (var round = 0; lo < hi; round++)
        {
            if (round == 64)
            {
                // Far beyond what random pivots take (about log n rounds): bound the worst case.
                a[lo..(hi + 1)].Sort();
                return a[k];
            }

            var n = (uint)(hi - lo + 1);
            var pivot = MedianOfThree(a[lo + (int)(Next(ref state) % n)], a[lo + (int)(Next(ref state) % n)], a[lo + (int)(Next(ref state) % n)]);

            // [lo, less) < pivot: each value is swapped to the boundary and the boundary moves if it belongs there.
            var less = lo;
            for (var i = lo; i <= hi; i++)
            {
                var v = a[i];
                a[i] = a[less];
                a[less] = v;
                less += v < pivot ? 1 : 0;
            }

            if (k < less)
            {
                hi = less - 1;
                continue;
            }

            // [less, equal) == pivot, the rest above it.
            var equal = less;
            for (var i = less; i <= hi; i++)
            {
                var v = a[i];
                a[i] = a[equal];
                a[equal] = v;
                equal += v == pivot ? 1 : 0;
            }

            if (k < equal)
            {
                return pivot;
            }

            lo = equal;
        }

        return a[k];
    }

    private static uint Next(ref uint state)
    {
        // xorshift32: deterministic, so the same input always takes the same steps.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : Math.Max(a, c)) : (a < c ? a : Math.Max(b, c));
}
