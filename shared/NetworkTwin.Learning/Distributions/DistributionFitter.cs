using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace NetworkTwin.Learning.Distributions;

/// <summary>
/// Fits normal, log-normal, gamma, Weibull and Pareto distributions to loads by maximum likelihood
/// (MathNet's estimators; Pareto in closed form) and ranks them by AIC. Zero and negative loads are
/// outside the support of all but the normal, so those are fitted to the positive loads only and the
/// share left out is reported.
/// </summary>
public static class DistributionFitter
{
    public sealed record Result(IReadOnlyList<DistributionFit> Fits, int Samples, int NonPositive)
    {
        public DistributionFit Best => Fits[0];
    }

    public static Result Fit(IReadOnlyList<double> loads)
    {
        var finite = loads.Where(double.IsFinite).ToArray();
        if (finite.Length < 10)
        {
            throw new ArgumentException($"{finite.Length} finite loads; fitting needs at least 10", nameof(loads));
        }

        var positive = finite.Where(x => x > 0).ToArray();
        Array.Sort(positive);
        var fits = new List<DistributionFit>();
        var sorted = (double[])finite.Clone();
        Array.Sort(sorted);

        var mean = sorted.Mean();
        var sd = Math.Max(sorted.PopulationStandardDeviation(), 1e-12);
        fits.Add(Make("normal", $"mu={F(mean)} sigma={F(sd)}", 2, new Normal(mean, sd), sorted));

        if (positive.Length >= 10)
        {
            var logs = positive.Select(x => Math.Log(x)).ToArray();
            var logSd = Math.Max(logs.PopulationStandardDeviation(), 1e-12);
            fits.Add(Make("lognormal", $"mu={F(logs.Mean())} sigma={F(logSd)}", 2, new LogNormal(logs.Mean(), logSd), positive));
            TryAdd(fits, () =>
            {
                var g = GammaMle(positive, logs.Mean());
                return Make("gamma", $"shape={F(g.Shape)} rate={F(g.Rate)}", 2, g, positive);
            });
            TryAdd(fits, () =>
            {
                var w = Weibull.Estimate(positive);
                return Make("weibull", $"shape={F(w.Shape)} scale={F(w.Scale)}", 2, w, positive);
            });

            // Pareto MLE: scale = the smallest load, shape = n / sum ln(x / scale).
            var xm = positive[0];
            var sumLog = positive.Sum(x => Math.Log(x / xm));
            if (sumLog > 0)
            {
                var alpha = positive.Length / sumLog;
                fits.Add(Make("pareto", $"shape={F(alpha)} scale={F(xm)}", 2, new Pareto(xm, alpha), positive));
            }
        }

        return new Result([.. fits.Where(f => double.IsFinite(f.Aic)).OrderBy(f => f.Aic)], finite.Length, finite.Length - positive.Length);
    }

    /// <summary>
    /// Gamma by maximum likelihood: the shape solves ln k - digamma(k) = ln(mean) - mean(ln x) (Minka's
    /// start, then Newton steps), the rate is shape / mean.
    /// </summary>
    private static Gamma GammaMle(double[] positive, double meanLog)
    {
        var mean = positive.Mean();
        var s = Math.Log(mean) - meanLog;
        if (!(s > 0))
        {
            throw new ArithmeticException("constant loads");
        }

        var k = (3 - s + Math.Sqrt(((s - 3) * (s - 3)) + (24 * s))) / (12 * s);
        for (var i = 0; i < 50; i++)
        {
            var f = Math.Log(k) - MathNet.Numerics.SpecialFunctions.DiGamma(k) - s;
            var h = 1e-5 * k;
            var trigamma = (MathNet.Numerics.SpecialFunctions.DiGamma(k + h) - MathNet.Numerics.SpecialFunctions.DiGamma(k - h)) / (2 * h);
            var step = f / ((1 / k) - trigamma);
            var next = k - step;
            k = next > 0 ? next : k / 2;
            if (Math.Abs(step) < 1e-10 * k)
            {
                break;
            }
        }

        return new Gamma(k, k / mean);
    }

    private static void TryAdd(List<DistributionFit> fits, Func<DistributionFit> fit)
    {
        try
        {
            fits.Add(fit());
        }
        catch (Exception e) when (e is ArgumentException or MathNet.Numerics.NonConvergenceException or ArithmeticException)
        {
            // The estimator did not converge on these loads: that family is simply not a candidate.
        }
    }

    private static DistributionFit Make(string name, string parameters, int k, IContinuousDistribution d, double[] sorted)
    {
        double logLikelihood = 0;
        foreach (var x in sorted)
        {
            logLikelihood += d.DensityLn(x);
        }

        // Kolmogorov-Smirnov: the largest gap between the empirical step CDF and the fitted CDF.
        double ks = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var cdf = d.CumulativeDistribution(sorted[i]);
            ks = Math.Max(ks, Math.Max(((i + 1.0) / sorted.Length) - cdf, cdf - ((double)i / sorted.Length)));
        }

        return new DistributionFit(name, parameters, k, logLikelihood, (2 * k) - (2 * logLikelihood), ks, d);
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
