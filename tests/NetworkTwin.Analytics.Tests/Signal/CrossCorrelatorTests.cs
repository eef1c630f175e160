using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Tests.Signal;

public class CrossCorrelatorTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(37)]
    [InlineData(-250)]
    public void Correlate_ShiftedNoisyCopy_FindsTheShift(int shift)
    {
        var random = new Random(11);
        var b = Enumerable.Range(0, 5000).Select(_ => random.NextDouble() < 0.05 ? 1.0 : 0.0).ToArray();
        var a = new double[b.Length];
        for (var n = 0; n < b.Length; n++)
        {
            var source = n - shift;
            a[n] = (source >= 0 && source < b.Length ? b[source] : 0) + (random.NextDouble() < 0.01 ? 1 : 0);
        }

        var correlator = new CrossCorrelator(a.Length, 400);

        var peak = correlator.Correlate(correlator.Prepare(a), correlator.Prepare(b));

        Assert.Equal(shift, peak.Lag);
        Assert.True(peak.Correlation > 0.7);
        Assert.True(peak.ZScore > 20);
    }

    [Fact]
    public void FftPlan_ForwardThenInverse_ReturnsTheInput()
    {
        var plan = new FftPlan(64);
        var re = Enumerable.Range(0, 64).Select(i => Math.Sin(i) + i).ToArray();
        var im = new double[64];
        var original = re.ToArray();

        plan.Forward(re, im);
        plan.Inverse(re, im);

        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(original[i], re[i], 9);
            Assert.Equal(0, im[i], 9);
        }
    }
}
