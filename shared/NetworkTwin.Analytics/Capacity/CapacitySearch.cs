namespace NetworkTwin.Analytics.Capacity;

/// <summary>
/// Smallest link capacity whose fluid-buffer loss meets a target, by bisection. Loss never
/// increases with capacity (more drain and, with buffer = C x time, more room), so bisection
/// between a capacity that fails and one that meets the target converges to the minimum.
/// </summary>
public static class CapacitySearch
{
    public const double DefaultRelativeTolerance = 0.001;

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
        while (hi - lo > relativeTolerance * hi)
        {
            var mid = 0.5 * (lo + hi);
            var loss = FluidBufferModel.LossRatio(kbitPerInterval, intervalSeconds, mid, bufferSeconds);
            evaluations++;
            if (loss <= lossTarget)
            {
                hi = mid;
                lossAtHi = loss;
            }
            else
            {
                lo = mid;
            }
        }

        return new CapacityResult(hi, lossAtHi, peakBps, meanBps, evaluations);
    }
}
