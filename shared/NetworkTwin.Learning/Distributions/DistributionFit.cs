using MathNet.Numerics.Distributions;

namespace NetworkTwin.Learning.Distributions;

/// <summary>
/// One candidate distribution fitted by maximum likelihood: its parameters, log-likelihood, AIC
/// (2k - 2 ln L, lower is better) and the Kolmogorov-Smirnov statistic (largest gap between the
/// empirical and the fitted CDF) as the goodness-of-fit check.
/// </summary>
public sealed record DistributionFit(string Name, string Parameters, int ParameterCount, double LogLikelihood, double Aic, double KsStatistic, IContinuousDistribution Distribution)
{
    /// <summary>The value not exceeded with probability <paramref name="p"/>: capacity that holds with probability p.</summary>
    public double Quantile(double p) => Distribution switch
    {
        Normal n => n.InverseCumulativeDistribution(p),
        LogNormal l => l.InverseCumulativeDistribution(p),
        Gamma g => g.InverseCumulativeDistribution(p),
        Weibull w => w.Scale * Math.Pow(-Math.Log(1 - p), 1 / w.Shape),
        Pareto pa => pa.Scale / Math.Pow(1 - p, 1 / pa.Shape),
        _ => throw new NotSupportedException(Name),
    };

    /// <summary>Cumulative probability at <paramref name="x"/>.</summary>
    public double Cdf(double x) => Distribution.CumulativeDistribution(x);
}
