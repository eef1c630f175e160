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
        var k = (int)Math.Clamp(Math.Ceiling(q * scratch.Length) - 1, 0, scratch.Length - 1);
        return NthElement(scratch, k);
    }

    /// <summary>Moves the k-th smallest value to index k and returns it (Hoare selection).</summary>
    public static double NthElement(Span<double> a, int k)
    {
        var lo = 0;
        var hi = a.Length - 1;
        while (lo < hi)
        {
            // Median of three keeps already-sorted and constant input linear in practice.
            var mid = lo + ((hi - lo) / 2);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            var pivot = a[mid];
            var i = lo;
            var j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }
}
