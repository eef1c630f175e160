using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Tests.Signal;

public class SparseCrossCorrelatorTests
{
    [Theory]
    [InlineData(0.01, 0)]
    [InlineData(0.05, 37)]
    [InlineData(0.2, -250)]
    [InlineData(0.6, 5)]
    public void Correlate_SameSeriesAsTheFft_SamePeakAndScore(double density, int shift)
    {
        var random = new Random(7);
        var b = Enumerable.Range(0, 3000).Select(_ => random.NextDouble() < density ? random.Next(1, 4) : 0.0).ToArray();
        var a = new double[b.Length];
        for (var n = 0; n < b.Length; n++)
        {
            var source = n - shift;
            a[n] = (source >= 0 && source < b.Length ? b[source] : 0) + (random.NextDouble() < 0.01 ? 1 : 0);
        }

        var fft = new CrossCorrelator(a.Length, 400);
        var sparse = new SparseCrossCorrelator(a.Length, 400);

        var expected = fft.Correlate(fft.Prepare(a), fft.Prepare(b));
        var actual = sparse.Correlate(sparse.Prepare(a), sparse.Prepare(b));

        Assert.Equal(shift, actual.Lag);
        Assert.Equal(expected.Lag, actual.Lag);
        Assert.Equal(expected.Correlation, actual.Correlation, 9);
        Assert.Equal(expected.ZScore, actual.ZScore, 6);
    }

    [Fact]
    public void Correlate_FlatOrEmptySeries_IsNoPeak()
    {
        var sparse = new SparseCrossCorrelator(100, 10);
        var some = Enumerable.Range(0, 100).Select(i => i % 7 == 0 ? 1.0 : 0).ToArray();

        Assert.Equal(CorrelationPeak.None, sparse.Correlate(sparse.Prepare(new double[100]), sparse.Prepare(some)));
        Assert.Equal(CorrelationPeak.None, sparse.Correlate(sparse.Prepare(some), sparse.Prepare(Enumerable.Repeat(2.0, 100).ToArray())));
    }

    [Fact]
    public void Correlate_MinZ_PeaksThatReachItScoredAsBefore_OnlyPeaksThatCannotLeftUnscored()
    {
        // Pairs from unrelated to strongly related: their scores spread on both sides of any threshold.
        var random = new Random(11);
        var sparse = new SparseCrossCorrelator(1600, 601);
        var fft = new CrossCorrelator(1600, 601);
        var (scored, pruned, unscoredJustAbove) = (0, 0, 0);
        for (var pair = 0; pair < 300; pair++)
        {
            var density = new[] { 0.005, 0.03, 0.1, 0.4 }[pair % 4];
            var shared = pair % 3 == 0 ? 0.0 : random.NextDouble();
            var shift = random.Next(-500, 501);
            var b = Enumerable.Range(0, 1600).Select(_ => random.NextDouble() < density ? random.Next(1, 11) : 0.0).ToArray();
            var a = Enumerable.Range(0, 1600).Select(n =>
                (n - shift is >= 0 and < 1600 && random.NextDouble() < shared ? b[n - shift] : 0) + (random.NextDouble() < density ? random.Next(1, 11) : 0.0)).ToArray();
            var (sa, sb) = (sparse.Prepare(a), sparse.Prepare(b));
            var (fa, fb) = (fft.Prepare(a), fft.Prepare(b));
            var full = sparse.Correlate(sa, sb);

            // A threshold the peak reaches (even exactly) keeps its score, by either method.
            Assert.Equal(full, sparse.Correlate(sa, sb, full.ZScore));
            Assert.Equal(full, sparse.Correlate(sa, sb, full.ZScore / 2));
            Assert.Equal(full.ZScore, fft.Correlate(fa, fb, full.ZScore * (1 - 1e-6)).ZScore, 6);
            scored++;

            // Above its score the peak is either scored as before or not scored at all.
            foreach (var minZ in new[] { full.ZScore * 1.01, full.ZScore + 5, 8 })
            {
                var peak = sparse.Correlate(sa, sb, minZ);
                if (full.ZScore < minZ && peak == CorrelationPeak.None)
                {
                    pruned++;
                    unscoredJustAbove += minZ == full.ZScore * 1.01 ? 1 : 0;
                }
                else
                {
                    Assert.Equal(full, peak);
                }
            }
        }

        // Where the spread is the noise floor, a threshold just above the score already settles the pair.
        Assert.InRange(pruned, scored / 2, 3 * scored);
        Assert.True(unscoredJustAbove > 0);
    }

    [Fact]
    public void PairwiseLossCorrelation_GeneratedCapture_EveryMethodGivesTheSamePeaks()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 16, Links = 2, DurationSeconds = 4, Seed = 3 });
        var stats = scenario.PacketStats.OrderBy(p => p.CellId).ToArray();
        var origin = stats.Min(s => s.TimesSeconds.Min());
        var grid = SlotBinning.SlotOf(stats.Max(s => s.TimesSeconds.Max()), origin) + 2;
        var loss = stats.Select(s => SlotBinning.LossSlots(s, origin, grid)).ToArray();
        var maxLag = (int)(3.0 / SlotBinning.SlotSeconds);

        var fft = PairwiseLossCorrelation.Compute(loss, grid, maxLag, null, PairCorrelation.Fft);
        var sparse = PairwiseLossCorrelation.Compute(loss, grid, maxLag, null, PairCorrelation.Sparse);
        var cheapest = PairwiseLossCorrelation.Compute(loss, grid, maxLag, null);
        var significant = PairwiseLossCorrelation.Compute(loss, grid, maxLag, null, minZ: 8);
        var significantByFft = PairwiseLossCorrelation.Compute(loss, grid, maxLag, null, PairCorrelation.Fft, minZ: 8);
        var (evidence, unscored) = (0, 0);

        Assert.Contains(loss, l => l.Length > 0);
        for (var i = 0; i < loss.Length; i++)
        {
            for (var j = 0; j < loss.Length; j++)
            {
                foreach (var other in new[] { sparse[i, j], cheapest[i, j] })
                {
                    Assert.Equal(fft[i, j].Lag, other.Lag);
                    Assert.Equal(fft[i, j].Correlation, other.Correlation, 9);
                    Assert.Equal(fft[i, j].ZScore, other.ZScore, 6);
                }

                // A threshold leaves every pair that reaches it as it was, and only pairs that do not unscored.
                foreach (var other in new[] { significant[i, j], significantByFft[i, j] })
                {
                    if (fft[i, j].ZScore >= 8)
                    {
                        Assert.Equal(fft[i, j].Lag, other.Lag);
                        Assert.Equal(fft[i, j].Correlation, other.Correlation, 9);
                        Assert.Equal(fft[i, j].ZScore, other.ZScore, 6);
                    }
                    else if (other == CorrelationPeak.None)
                    {
                        unscored++;
                    }
                    else
                    {
                        Assert.Equal(fft[i, j].ZScore, other.ZScore, 6);
                    }
                }

                evidence += i != j && fft[i, j].ZScore >= 8 ? 1 : 0;
            }
        }

        Assert.True(evidence > 0);
        Assert.True(unscored > 0);
    }
}
