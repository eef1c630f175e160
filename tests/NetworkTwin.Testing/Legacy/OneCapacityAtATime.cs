using NetworkTwin.Analytics.Capacity;

namespace NetworkTwin.Testing.Legacy;

/// <summary>
/// The capacity search as it was before it decided three bisection steps per pass: one buffer simulation per step.
/// Kept as the reference <c>CapacitySearch.MinimumCapacity</c> must match to the bit, and as the "before" row of
/// <c>bench fronthaul</c>.
/// </summary>
public static class OneCapacityAtATime
{
    public static CapacityResult MinimumCapacity(ReadOnlySpan<double> kbitPerInterval, double intervalSeconds, double bufferSeconds, double lossTarget, double relativeTolerance = CapacitySearch.DefaultRelativeTolerance)
    {
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
