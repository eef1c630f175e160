namespace NetworkTwin.Analytics.Capacity;

/// <summary>
/// Smallest link capacity whose fluid-buffer loss meets a target, by bisection. Loss never
/// increases with capacity (more drain and, with buffer = C x time, more room), so bisection
/// between a capacity that fails and one that meets the target converges to the minimum. Three steps of the bisection
/// are decided per pass over the series (<see cref="FluidBufferModel.LossRatios"/>): the same answer as one capacity at a
/// time, in about a third of the passes.
/// </summary>
public static class CapacitySearch
{
    public const double DefaultRelativeTolerance = 0.001;

    /// <summary>Bisection steps decided by one pass over the series, and the capacities that pass simulates (a tree of that depth).</summary>
    private const int StepsPerPass = 3;
    private const int Steps = (1 << StepsPerPass) - 1;

    /// <param name="kbitPerInterval">Offered kilobits per interval on the link.</param>
    /// <param name="intervalSeconds">Interval length (symbol or slot).</param>
    /// <param name="bufferSeconds">Buffer as drain time at the capacity (default 143 us).</param>
    /// <param name="lossTarget">Largest acceptable fraction of bits dropped (0.01 = 1%).</param>
    /// <param name="relativeTolerance">The answer is within this fraction above the true minimum.</param>
    public static CapacityResult MinimumCapacity(
        ReadOnlySpan<double> kbitPerInterval,
        double intervalSeconds,
        double bufferSeconds,
        double lossTarget,
        double relativeTolerance = DefaultRelativeTolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lossTarget);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(lossTarget, 1.0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(relativeTolerance);
        var peakKbit = 0.0;
        var sumKbit = 0.0;
        foreach (var v in kbitPerInterval)
        {
            peakKbit = Math.Max(peakKbit, v);
            sumKbit += v;
        }

        var peakBps = peakKbit * 1000 / intervalSeconds;
        var meanBps = kbitPerInterval.IsEmpty ? 0 : sumKbit * 1000 / intervalSeconds / kbitPerInterval.Length;
        if (peakBps <= 0)
        {
            return new CapacityResult(0, 0, 0, 0, 0);
        }

        // At capacity C at most C x T bits leave, so loss >= 1 - C / mean: below mean x (1 - target)
        // the target is impossible. At the peak rate nothing is ever queued, so nothing drops.
        var lo = meanBps * (1 - lossTarget);
        var hi = peakBps;
        var evaluations = 0;
        var lossAtHi = 0.0;
        Span<double> mids = stackalloc double[Steps];
        Span<double> losses = stackalloc double[Steps];
        while (hi - lo > relativeTolerance * hi)
        {
            // The bisection's next three steps, whichever way each goes: seven capacities, simulated in one pass over
            // the series. The walk below takes the same steps, on the same midpoints, as one capacity at a time would.
            Midpoints(lo, hi, 0, mids);
            FluidBufferModel.LossRatios(kbitPerInterval, intervalSeconds, mids, bufferSeconds, losses);
            for (var (node, depth) = (0, 0); depth < StepsPerPass && hi - lo > relativeTolerance * hi; depth++)
            {
                evaluations++;
                if (losses[node] <= lossTarget)
                {
                    hi = mids[node];
                    lossAtHi = losses[node];
                    node = (2 * node) + 1;
                }
                else
                {
                    lo = mids[node];
                    node = (2 * node) + 2;
                }
            }
        }

        return new CapacityResult(hi, lossAtHi, peakBps, meanBps, evaluations);
    }

    /// <summary>The midpoints of the bisection's tree below [lo, hi], in heap order: node n's halves are 2n + 1 (lower) and 2n + 2.</summary>
    private static void Midpoints(double lo, double hi, int node, Span<double> mids)
    {
        if (node >= mids.Length)
        {
            return;
        }

        var mid = 0.5 * (lo + hi);
        mids[node] = mid;
        Midpoints(lo, mid, (2 * node) + 1, mids);
        Midpoints(mid, hi, (2 * node) + 2, mids);
    }
}
