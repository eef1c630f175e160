using NetworkTwin.Analytics.Statistics;

namespace NetworkTwin.Analytics.Tests.Statistics;

/// <summary>A link's rate figures: the percentiles are the nearest-rank ones a sort gives, however short the series.</summary>
public sealed class RateStatisticsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(20)]
    [InlineData(101)]
    [InlineData(224_000)]
    public void FromKbit_PercentilesPeakAndMean_AsASortedCopyGivesThem(int length)
    {
        var random = new Random(length);
        var kbit = Enumerable.Range(0, length).Select(_ => random.NextDouble() < 0.3 ? Math.Round(random.NextDouble() * 900) : 0).ToArray();
        var sorted = kbit.Order().ToArray();
        const double Symbol = 1.0 / 28_000;
        var toGbps = 1000.0 / Symbol / 1e9;

        var stats = RateStatistics.FromKbit(kbit, Symbol);

        Assert.Equal(sorted[(int)Math.Ceiling(0.95 * length) - 1] * toGbps, stats.P95Gbps);
        Assert.Equal(sorted[(int)Math.Ceiling(0.99 * length) - 1] * toGbps, stats.P99Gbps);
        Assert.Equal(sorted[^1] * toGbps, stats.PeakGbps);
        Assert.Equal(kbit.Sum() / length * toGbps, stats.MeanGbps, 9);
    }
}
