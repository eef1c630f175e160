using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Learning.Distributions;

namespace NetworkTwin.Learning.Allocation;

/// <summary>One way of provisioning a link, and how it fared when the held-out traffic was replayed through the buffer model.</summary>
/// <param name="ViolationRate">Share of replayed windows whose loss exceeded the loss target.</param>
/// <param name="LossPercent">Traffic dropped over the whole replay.</param>
public sealed record AllocationOutcome(string Method, double CapacityGbps, double ViolationRate, double LossPercent);

public sealed record LinkAllocation(int Link, int Cells, string Distribution, double Ks, IReadOnlyList<AllocationOutcome> Methods);

/// <summary>
/// Chance-constrained capacity for fronthaul links: the capacity each window of the link needs to meet
/// the loss target (the buffer model, per window of <c>windowIntervals</c>) is a random variable; its
/// distribution is fitted on the first part of the traffic (by AIC among normal, lognormal, gamma,
/// Weibull, Pareto) and the link gets its (1 - epsilon) quantile: the cheapest capacity whose windows
/// break the loss target with probability at most epsilon. Cost is linear in capacity and the bound is
/// per link, so that is the minimum-cost allocation. Compared, on the held-out part of the traffic, with:
/// peak provisioning per cell (each cell's peak, no sharing), peak per link (no buffer), the whole
/// history's sizing (the agent's method), the empirical quantile (no fit), and the same chance
/// constraint per cell (slices with dedicated shares: what sharing the link saves).
/// </summary>
public static class FronthaulAllocation
{
    public static IReadOnlyList<LinkAllocation> Run(
        IReadOnlyDictionary<int, double[]> linkTraffic,
        IReadOnlyDictionary<int, IReadOnlyList<double[]>> cellTraffic,
        double intervalSeconds,
        double bufferSeconds,
        double lossTarget,
        double epsilon,
        int windowIntervals,
        double trainShare)
    {
        ArgumentNullException.ThrowIfNull(linkTraffic);
        ArgumentNullException.ThrowIfNull(cellTraffic);
        if (epsilon is <= 0 or >= 1 || trainShare is <= 0 or >= 1 || windowIntervals < 10)
        {
            throw new ArgumentException("epsilon and the training share must be in (0, 1), windows at least 10 intervals");
        }

        var result = new List<LinkAllocation>();
        foreach (var (link, series) in linkTraffic.OrderBy(l => l.Key))
        {
            var split = (int)(series.Length * trainShare) / windowIntervals * windowIntervals;
            var train = series.AsSpan(0, split).ToArray();
            var test = series.AsSpan(split).ToArray();
            if (train.Length / windowIntervals < 10 || test.Length < windowIntervals)
            {
                throw new ArgumentException($"link {link}: {series.Length} intervals are too few for windows of {windowIntervals} with a training share of {trainShare}");
            }

            double Need(double[] s) => CapacitySearch.MinimumCapacity(s, intervalSeconds, bufferSeconds, lossTarget).CapacityBitsPerSecond / 1e9;
            var needs = Windows(train, windowIntervals).Select(Need).ToList();
            var fit = DistributionFitter.Fit(needs).Best;
            var empirical = Quantile(needs, 1 - epsilon);
            var cells = cellTraffic[link];

            // Per cell the window needs are mostly zero or tiny with rare bursts, which no single family fits
            // (the fitted tails run far past the cell's peak): the slices use the empirical quantile.
            var perCellChance = cells.Sum(c => Quantile([.. Windows(c.AsSpan(0, split).ToArray(), windowIntervals).Select(Need)], 1 - epsilon));
            var toGbps = 1e3 / intervalSeconds / 1e9;
            var methods = new (string Name, double Gbps)[]
            {
                ("peak per cell", cells.Sum(c => c.AsSpan(0, split).ToArray().Max()) * toGbps),
                ("peak per link, no buffer", train.Max() * toGbps),
                ("whole-history sizing", Need(train)),
                ("chance-constrained per cell (slices, empirical)", perCellChance),
                ($"chance-constrained ({fit.Name})", fit.Quantile(1 - epsilon)),
                ("empirical quantile", empirical),
            };
            result.Add(new LinkAllocation(link, cells.Count, fit.Name, fit.KsStatistic, [.. methods.Select(m => Replay(m.Name, m.Gbps, test, windowIntervals, intervalSeconds, bufferSeconds, lossTarget))]));
        }

        return result;
    }

    private static AllocationOutcome Replay(string method, double gbps, double[] test, int windowIntervals, double intervalSeconds, double bufferSeconds, double lossTarget)
    {
        var windows = Windows(test, windowIntervals).ToList();
        var broken = windows.Count(w => FluidBufferModel.LossRatio(w, intervalSeconds, gbps * 1e9, bufferSeconds) > lossTarget);
        var loss = FluidBufferModel.LossRatio(test, intervalSeconds, gbps * 1e9, bufferSeconds) * 100;
        return new AllocationOutcome(method, gbps, (double)broken / windows.Count, loss);
    }

    private static double Quantile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static IEnumerable<double[]> Windows(double[] series, int size)
    {
        for (var start = 0; start + size <= series.Length; start += size)
        {
            yield return series[start..(start + size)];
        }
    }
}
