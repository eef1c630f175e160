using NetworkTwin.Analytics.Cleaning;

namespace NetworkTwin.Analytics.Tests.Cleaning;

public class OutlierRuleTests
{
    [Fact]
    public void Apply_LoggerErrorsAmongBurstyTraffic_ZeroesOnlyTheErrors()
    {
        var random = new Random(5);
        var kbit = Enumerable.Range(0, 10_000).Select(_ => random.NextDouble() < 0.5 ? (float)(100 + (random.NextDouble() * 577)) : 0f).ToArray();
        kbit[10] = 289_000;
        kbit[20] = 578_000;
        var burst = kbit.Where(v => v < 1000).Max();

        var result = new OutlierRule().Apply(kbit.AsSpan());

        Assert.Equal(2, result.Removed);
        Assert.Equal(0, kbit[10]);
        Assert.Equal(0, kbit[20]);
        Assert.Equal(burst, kbit.Max());
    }

    [Fact]
    public void Apply_TooFewSamples_RemovesNothing()
    {
        float[] kbit = [1, 2, 289_000];

        var result = new OutlierRule().Apply(kbit.AsSpan());

        Assert.Equal(0, result.Removed);
        Assert.Equal(289_000, kbit[2]);
    }
}
