namespace NetworkTwin.Analytics.Statistics;

/// <summary>Peak, percentiles and mean of a traffic series, in Gbit/s.</summary>
public readonly record struct RateStatistics(double PeakGbps, double P99Gbps, double P95Gbps, double MeanGbps)
{
    /// <summary>
    /// Rates of a series of kilobits per fixed interval (bits assumed spread uniformly over the
    /// interval, so the rate of one interval is kbit * 1000 / interval).
    /// </summary>
    public static RateStatistics FromKbit(ReadOnlySpan<double> kbitPerInterval, double intervalSeconds)
    {
        if (kbitPerInterval.IsEmpty)
        {
            return default;
        }

        var toGbps = 1000.0 / intervalSeconds / 1e9;
        var pooled = System.Buffers.ArrayPool<double>.Shared.Rent(kbitPerInterval.Length);
        var scratch = pooled.AsSpan(0, kbitPerInterval.Length);
        kbitPerInterval.CopyTo(scratch);
        var sum = 0.0;
        var peak = 0.0;
        foreach (var v in scratch)
        {
            sum += v;
            peak = Math.Max(peak, v);
        }

        var p99 = Quantile.Select(scratch, 0.99);
        var p95 = Quantile.Select(scratch, 0.95);
        System.Buffers.ArrayPool<double>.Shared.Return(pooled);
        return new RateStatistics(peak * toGbps, p99 * toGbps, p95 * toGbps, sum / scratch.Length * toGbps);
    }
}
