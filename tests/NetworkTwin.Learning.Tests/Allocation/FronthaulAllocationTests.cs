using NetworkTwin.Learning.Allocation;

namespace NetworkTwin.Learning.Tests.Allocation;

public class FronthaulAllocationTests
{
    /// <summary>Two cells of random bursts (a busy slot with probability 0.3, lognormal size), 40,000 slots.</summary>
    private static (Dictionary<int, double[]> Links, Dictionary<int, IReadOnlyList<double[]>> Cells) Traffic(int seed)
    {
        var random = new Random(seed);
        double[] Cell() => [.. Enumerable.Range(0, 40_000).Select(_ => random.NextDouble() < 0.3 ? 300 * Math.Exp(0.5 * Normal(random)) : 0)];
        var a = Cell();
        var b = Cell();
        return (new Dictionary<int, double[]> { [1] = [.. a.Zip(b, (x, y) => x + y)] }, new Dictionary<int, IReadOnlyList<double[]>> { [1] = [a, b] });
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void ChanceConstrainedCapacity_KeepsItsBoundOnUnseenTraffic_AndCostsLessThanPeak()
    {
        var (links, cells) = Traffic(3);

        var link = Assert.Single(FronthaulAllocation.Run(links, cells, 0.0005, 143e-6, 0.01, epsilon: 0.05, windowIntervals: 200, trainShare: 0.5));

        var byName = link.Methods.ToDictionary(m => m.Method.Split(" (")[0]);
        var chance = link.Methods.Single(m => m.Method.StartsWith("chance-constrained (", StringComparison.Ordinal));
        Assert.InRange(chance.ViolationRate, 0, 0.12);
        Assert.True(chance.CapacityGbps < byName["peak per link, no buffer"].CapacityGbps, $"{chance.CapacityGbps} vs peak {byName["peak per link, no buffer"].CapacityGbps}");
        Assert.True(byName["peak per link, no buffer"].CapacityGbps <= byName["peak per cell"].CapacityGbps);
        Assert.Equal(0, byName["peak per cell"].ViolationRate);
        // Sharing the link: the sum of per-cell quantiles is more than the link's own quantile.
        Assert.True(byName["chance-constrained per cell"].CapacityGbps > byName["empirical quantile"].CapacityGbps);
        Assert.True(chance.LossPercent < 1);
    }

    [Fact]
    public void TooLittleTraffic_IsRefusedWithTheLink()
    {
        var links = new Dictionary<int, double[]> { [4] = new double[1000] };
        var cells = new Dictionary<int, IReadOnlyList<double[]>> { [4] = [new double[1000]] };

        var ex = Assert.Throws<ArgumentException>(() => FronthaulAllocation.Run(links, cells, 0.0005, 143e-6, 0.01, 0.05, 200, 0.5));

        Assert.Contains("link 4", ex.Message, StringComparison.Ordinal);
    }
}
