using MathNet.Numerics.Distributions;
using NetworkTwin.Learning.Distributions;

namespace NetworkTwin.Learning.Tests;

public sealed class DistributionFitterTests
{
    public static TheoryData<string> Families => ["normal", "lognormal", "gamma", "weibull", "pareto"];

    private static IContinuousDistribution Source(string family, Random rng) => family switch
    {
        "normal" => new Normal(500, 40, rng),
        "lognormal" => new LogNormal(5, 0.6, rng),
        "gamma" => new Gamma(2.5, 0.01, rng),
        "weibull" => new Weibull(0.8, 300, rng),
        "pareto" => new Pareto(100, 1.8, rng),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Loads_drawn_from_a_family_are_recognised_and_their_quantile_recovered(string family)
    {
        var source = Source(family, new Random(11));
        var samples = Enumerable.Range(0, 5000).Select(_ => source.Sample()).ToArray();
        var result = DistributionFitter.Fit(samples);

        Assert.Equal(family, result.Best.Name);
        Assert.True(result.Best.KsStatistic < 0.03, $"KS {result.Best.KsStatistic}");
        var truth = family switch
        {
            "weibull" => 300 * Math.Pow(-Math.Log(0.01), 1 / 0.8),
            "pareto" => 100 / Math.Pow(0.01, 1 / 1.8),
            _ => ((dynamic)source).InverseCumulativeDistribution(0.99),
        };
        Assert.InRange(result.Best.Quantile(0.99), truth * 0.85, truth * 1.15);
        Assert.Equal(result.Fits.OrderBy(f => f.Aic).Select(f => f.Name), result.Fits.Select(f => f.Name));
    }

    [Fact]
    public void Zero_loads_are_counted_and_left_to_the_normal()
    {
        var rng = new Random(3);
        var loads = Enumerable.Range(0, 500).Select(i => i % 10 == 0 ? 0 : 100 + (rng.NextDouble() * 10)).ToArray();
        var result = DistributionFitter.Fit(loads);
        Assert.Equal(50, result.NonPositive);
        Assert.Contains(result.Fits, f => f.Name == "normal");
        Assert.Throws<ArgumentException>(() => DistributionFitter.Fit([1, 2, 3]));
    }
}
