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

        // The 95th percentile first: selection leaves every larger value after it, so the 99th is selected among those
        // 5% only (a link's window is 224,000 symbols, sized every 2 s on a live agent).
        var k95 = Quantile.RankOf(scratch.Length, 0.95);
        var p95 = Quantile.NthElement(scratch, k95);
        var p99 = k95 + 1 < scratch.Length ? Quantile.NthElement(scratch[k95..], Quantile.RankOf(scratch.Length, 0.99) - k95) : p95;
        System.Buffers.ArrayPool<double>.Shared.Return(pooled);
        return new RateStatistics(peak * toGbps, p99 * toGbps, p95 * toGbps, sum / scratch.Length * toGbps);
    }
}
