using NetworkTwin.Analytics.Capacity;

namespace NetworkTwin.Analytics.Tests.Capacity;

public class CapacitySearchTests
{
    private const double Slot = 0.0005;

    [Fact]
    public void Simulate_BurstLargerThanDrainPlusBuffer_DropsExactlyTheExcess()
    {
        // 10 Gbit/s drains 5,000 kbit per slot; the 143 us buffer holds 1,430 kbit.
        var dropped = new double[2];

        var (lost, offered) = FluidBufferModel.Simulate([10_000, 0], Slot, 10e9, 143e-6, dropped);

        Assert.Equal(10_000 - 5_000 - 1_430, lost, 6);
        Assert.Equal(10_000, offered);
        Assert.Equal(lost, dropped[0]);
    }

    [Fact]
    public void MinimumCapacity_ConstantRate_IsTheRateLessTheAllowedLoss()
    {
        var kbit = Enumerable.Repeat(5_000.0, 100_000).ToArray();

        var result = CapacitySearch.MinimumCapacity(kbit, Slot, 143e-6, 0.01);

        // Loss at C < rate is 1 - C / rate once the buffer is full.
        Assert.InRange(result.CapacityBitsPerSecond, 9.9e9, 9.9e9 * 1.001);
        Assert.True(result.LossAtCapacity <= 0.01);
        Assert.Equal(10e9, result.PeakBitsPerSecond, 3);
    }

    [Fact]
    public void MinimumCapacity_IsWithinTheToleranceOfTheTrueMinimum()
    {
        var random = new Random(3);
        var kbit = Enumerable.Range(0, 50_000).Select(_ => random.NextDouble() < 0.2 ? random.NextDouble() * 8000 : 0).ToArray();

        var result = CapacitySearch.MinimumCapacity(kbit, Slot, 143e-6, 0.01);

        Assert.True(FluidBufferModel.LossRatio(kbit, Slot, result.CapacityBitsPerSecond, 143e-6) <= 0.01);
        Assert.True(FluidBufferModel.LossRatio(kbit, Slot, result.CapacityBitsPerSecond / 1.001, 143e-6) > 0.01);
        Assert.True(result.SavingPercent > 0);
    }

    [Fact]
    public void MinimumCapacity_BiggerBuffer_NeverNeedsMore()
    {
        var random = new Random(9);
        var kbit = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() < 0.3 ? random.NextDouble() * 8000 : 0).ToArray();

        var small = CapacitySearch.MinimumCapacity(kbit, Slot, 50e-6, 0.01);
        var large = CapacitySearch.MinimumCapacity(kbit, Slot, 500e-6, 0.01);

        Assert.True(large.CapacityBitsPerSecond <= small.CapacityBitsPerSecond * 1.001);
    }

    [Theory]
    [InlineData(1, 0.01, 143e-6)]
    [InlineData(2, 0.001, 143e-6)]
    [InlineData(3, 0.05, 0)]
    [InlineData(4, 0.0, 1e-3)]
    public void MinimumCapacity_ThreeStepsAPass_SameAnswerToTheBitAsOneCapacityAtATime(int seed, double lossTarget, double bufferSeconds)
    {
        var random = new Random(seed);
        var kbit = Enumerable.Range(0, 30_000).Select(_ => random.NextDouble() < 0.3 ? random.NextDouble() * 9000 : random.NextDouble() * 50).ToArray();

        var now = CapacitySearch.MinimumCapacity(kbit, Slot, bufferSeconds, lossTarget);
        var before = NetworkTwin.Testing.Legacy.OneCapacityAtATime.MinimumCapacity(kbit, Slot, bufferSeconds, lossTarget);

        Assert.Equal(before, now);
        Assert.InRange(now.Evaluations, 5, 40);
    }

    [Fact]
    public void LossRatios_EachCapacityAsLossRatioGivesIt()
    {
        var random = new Random(9);
        var kbit = Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() < 0.25 ? random.NextDouble() * 8000 : 0).ToArray();
        double[] capacities = [1e9, 2e9, 3.5e9, 5e9, 7e9, 9e9, 12e9];
        var ratios = new double[capacities.Length];

        FluidBufferModel.LossRatios(kbit, Slot, capacities, 143e-6, ratios);

        Assert.Equal(capacities.Select(c => FluidBufferModel.LossRatio(kbit, Slot, c, 143e-6)), ratios);
        Assert.True(ratios[0] > ratios[^1], "loss must fall as capacity grows");
    }
}
