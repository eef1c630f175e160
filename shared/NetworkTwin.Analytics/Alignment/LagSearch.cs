using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Alignment;

/// <summary>
/// Finds the lag between two series at slot resolution within +-maxLag in two steps: an FFT
/// cross-correlation on blocks of <c>CoarseFactor</c> slots finds the neighbourhood (cheap even
/// for seconds of lag), then the exact slot is chosen by direct correlation around it.
/// </summary>
public static class LagSearch
{
    /// <summary>Blocks of 10 slots (5 ms) for the FFT step.</summary>
    public const int CoarseFactor = 10;

    /// <summary>
    /// Refines a coarse peak on dense series: the slot lag maximising the Pearson correlation of
    /// <c>a[n + lag]</c> with <c>b[n]</c>, searched one block either side of the coarse lag.
    /// </summary>
    public static CorrelationPeak RefineDense(ReadOnlySpan<double> a, ReadOnlySpan<double> b, CorrelationPeak coarse, int factor)
    {
        var bufferA = System.Buffers.ArrayPool<double>.Shared.Rent(a.Length);
        var bufferB = System.Buffers.ArrayPool<double>.Shared.Rent(b.Length);
        try
        {
            var na = bufferA.AsSpan(0, a.Length);
            var nb = bufferB.AsSpan(0, b.Length);
            return Normalise(a, na) && Normalise(b, nb) ? BestDenseLag(na, nb, coarse, factor) : CorrelationPeak.None;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(bufferA);
            System.Buffers.ArrayPool<double>.Shared.Return(bufferB);
        }
    }

    private static CorrelationPeak BestDenseLag(ReadOnlySpan<double> na, ReadOnlySpan<double> nb, CorrelationPeak coarse, int factor)
    {
        var best = coarse with { Correlation = double.NegativeInfinity };
        for (var lag = (coarse.Lag - 1) * factor; lag <= (coarse.Lag + 1) * factor; lag++)
        {
            var start = Math.Max(0, -lag);
            var end = Math.Min(nb.Length, na.Length - lag);
            var sum = 0.0;
            if (end > start)
            {
                sum = Dot(na.Slice(start + lag, end - start), nb.Slice(start, end - start));
            }

            if (sum > best.Correlation)
            {
                best = best with { Lag = lag, Correlation = sum };
            }
        }

        return best;
    }

    /// <summary>
    /// Refines a coarse peak on event series (sorted slot indices of equal-weight events, e.g.
    /// slots with loss): Pearson correlation of the two 0/1 indicator series, computed from the
    /// number of coinciding events at each lag.
    /// </summary>
    /// <param name="a">Events of the first series.</param>
    /// <param name="present">The same events as a presence map over the grid (built once per series by <see cref="PresenceOf"/>).</param>
    /// <param name="b">Events of the second series.</param>
    /// <param name="gridLength">Slots on the grid.</param>
    /// <param name="coarse">Peak found on the blocks.</param>
    /// <param name="factor">Slots per block.</param>
    public static CorrelationPeak RefineEvents(int[] a, bool[] present, int[] b, int gridLength, CorrelationPeak coarse, int factor)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return CorrelationPeak.None;
        }

        double n = gridLength;
        var pa = a.Length / n;
        var pb = b.Length / n;
        var denominator = n * Math.Sqrt(pa * (1 - pa) * pb * (1 - pb));
        var best = coarse with { Correlation = double.NegativeInfinity };
        for (var lag = (coarse.Lag - 1) * factor; lag <= (coarse.Lag + 1) * factor; lag++)
        {
            var hits = 0;
            foreach (var s in b)
            {
                var t = s + lag;
                if ((uint)t < (uint)gridLength && present[t])
                {
                    hits++;
                }
            }

            var r = denominator > 0 ? (hits - (n * pa * pb)) / denominator : 0;
            if (r > best.Correlation)
            {
                best = best with { Lag = lag, Correlation = r };
            }
        }

        return best;
    }

    /// <summary>A presence map of event slots, for <see cref="RefineEvents"/>.</summary>
    public static bool[] PresenceOf(int[] events, int gridLength)
    {
        var present = new bool[gridLength];
        foreach (var s in events)
        {
            present[s] = true;
        }

        return present;
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var vx = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(x);
        var vy = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(y);
        var acc = System.Numerics.Vector<double>.Zero;
        for (var i = 0; i < vx.Length; i++)
        {
            acc += vx[i] * vy[i];
        }

        var sum = System.Numerics.Vector.Sum(acc);
        for (var i = vx.Length * System.Numerics.Vector<double>.Count; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>Writes x minus its mean, scaled to unit norm, into <paramref name="result"/>; false when x is flat.</summary>
    private static bool Normalise(ReadOnlySpan<double> x, Span<double> result)
    {
        var (mean, norm) = CrossCorrelator.MeanAndNorm(x);
        if (norm <= 0)
        {
            return false;
        }

        var scale = 1.0 / Math.Sqrt(norm);
        for (var i = 0; i < x.Length; i++)
        {
            result[i] = (x[i] - mean) * scale;
        }

        return true;
    }
}
