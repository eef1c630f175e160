using System.Diagnostics;
using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>The loss of both models at one capacity.</summary>
/// <param name="Ns3Loss">Null at capacities ns-3 was not run at (the fluid curve is drawn finer).</param>
internal sealed record LossPoint(double CapacityBps, double FluidLoss, double? Ns3Loss);

/// <summary>One link: the twin's capacity, both models' loss around it and the capacity ns-3 needs for the loss target.</summary>
internal sealed record Ns3LinkValidation(
    int LinkId,
    int[] Cells,
    string Resolution,
    double Seconds,
    long Packets,
    long Bytes,
    double LossTarget,
    double TwinCapacityBps,
    double Ns3CapacityBps,
    IReadOnlyList<LossPoint> Points,
    int Ns3Runs,
    double Ns3MedianRunSeconds,
    double FluidRunMilliseconds)
{
    /// <summary>ns-3's capacity beside the twin's, in % (positive: ns-3 needs more).</summary>
    public double DifferencePercent => TwinCapacityBps > 0 ? 100 * ((Ns3CapacityBps / TwinCapacityBps) - 1) : 0;

    /// <summary>Both models' loss at the twin's capacity times <paramref name="factor"/> (0.95, 1, 1.05).</summary>
    public LossPoint At(double factor) => Points.Where(p => p.Ns3Loss is not null).MinBy(p => Math.Abs(p.CapacityBps - (factor * TwinCapacityBps)))!;
}

/// <summary>Settings of a validation run.</summary>
internal sealed record Ns3ValidationSettings(double BufferSeconds, double LossTarget, int MaxFrameBytes, int HeaderBytes, int Parallel, double RelativeTolerance = 0.002);

/// <summary>
/// Holds the twin's sizing of a link against ns-3: the link's traffic as packets, run through ns-3's queue at the
/// twin's capacity, 5% and 10% either side, then bisected to the smallest capacity at which ns-3 meets the loss
/// target, with the fluid model's loss beside every ns-3 figure.
/// </summary>
internal static class Ns3LinkValidator
{
    private static readonly double[] SweepFactors = [0.90, 0.95, 1.00, 1.05, 1.10];

    public static async Task<Ns3LinkValidation> ValidateAsync(
        LinkTraffic traffic,
        Ns3Program program,
        Ns3ValidationSettings settings,
        string workFolder,
        IProgress<(int Done, int Planned)>? progress,
        CancellationToken ct)
    {
        var series = traffic.Sum();
        var twin = CapacitySearch.MinimumCapacity(series, traffic.IntervalSeconds, settings.BufferSeconds, settings.LossTarget).CapacityBitsPerSecond;
        var arrivals = Path.Combine(workFolder, $"link-{traffic.LinkId}.arrivals");
        var (packets, bytes) = ArrivalsFile.Write(arrivals, EcpriPacketizer.Arrivals(traffic, settings.MaxFrameBytes, settings.HeaderBytes));
        var ns3 = new SortedDictionary<double, double>();
        var wall = new List<double>();
        if (twin <= 0 || packets == 0)
        {
            return new Ns3LinkValidation(traffic.LinkId, traffic.Cells, traffic.Resolution, traffic.Intervals * traffic.IntervalSeconds, packets, bytes, settings.LossTarget, 0, 0, [], 0, 0, 0);
        }

        // Expected runs: the sweep and about log2(20% / tolerance) bisection steps.
        var planned = SweepFactors.Length + (int)Math.Ceiling(Math.Log2(0.05 / settings.RelativeTolerance));
        async Task Run(IEnumerable<double> capacities)
        {
            using var gate = new SemaphoreSlim(Math.Max(1, settings.Parallel));
            var runs = capacities.Where(c => !ns3.ContainsKey(c)).Select(async capacity =>
            {
                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    var result = await program.QueueAsync(arrivals, capacity, (long)(capacity * settings.BufferSeconds / 8), ct).ConfigureAwait(false);
                    lock (ns3)
                    {
                        ns3[capacity] = result.Loss;
                        wall.Add(result.WallSeconds);
                        progress?.Report((ns3.Count, Math.Max(planned, ns3.Count)));
                    }
                }
                finally
                {
                    gate.Release();
                }
            }).ToArray();
            await Task.WhenAll(runs).ConfigureAwait(false);
        }

        await Run(SweepFactors.Select(f => f * twin)).ConfigureAwait(false);

        // Bracket ns-3's capacity for the target: widen while the sweep's ends do not, then bisect.
        for (var widen = 0; widen < 6 && ns3.Last().Value > settings.LossTarget; widen++)
        {
            await Run([ns3.Last().Key * 1.1]).ConfigureAwait(false);
        }

        for (var widen = 0; widen < 6 && ns3.First().Value <= settings.LossTarget; widen++)
        {
            await Run([ns3.First().Key * 0.9]).ConfigureAwait(false);
        }

        var hi = ns3.Where(p => p.Value <= settings.LossTarget).Select(p => p.Key).DefaultIfEmpty(double.NaN).Min();
        var lo = ns3.Where(p => p.Value > settings.LossTarget && p.Key < hi).Select(p => p.Key).DefaultIfEmpty(double.NaN).Max();
        while (!double.IsNaN(hi) && !double.IsNaN(lo) && hi - lo > settings.RelativeTolerance * hi)
        {
            var mid = 0.5 * (lo + hi);
            await Run([mid]).ConfigureAwait(false);
            if (ns3[mid] <= settings.LossTarget)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        // The fluid model at every capacity ns-3 ran at, and finer for its curve; timed per evaluation.
        var clock = Stopwatch.StartNew();
        var fluidRuns = 0;
        double Fluid(double capacity)
        {
            fluidRuns++;
            return FluidBufferModel.LossRatio(series, traffic.IntervalSeconds, capacity, settings.BufferSeconds);
        }

        var min = ns3.First().Key;
        var max = ns3.Last().Key;
        var fine = Enumerable.Range(0, 41).Select(i => min + ((max - min) * i / 40)).Where(c => !ns3.ContainsKey(c));
        var points = ns3.Select(p => new LossPoint(p.Key, Fluid(p.Key), p.Value))
            .Concat(fine.Select(c => new LossPoint(c, Fluid(c), null)))
            .OrderBy(p => p.CapacityBps)
            .ToList();
        var fluidMs = clock.Elapsed.TotalMilliseconds / fluidRuns;
        File.Delete(arrivals);
        wall.Sort();
        return new Ns3LinkValidation(
            traffic.LinkId,
            traffic.Cells,
            traffic.Resolution,
            traffic.Intervals * traffic.IntervalSeconds,
            packets,
            bytes,
            settings.LossTarget,
            twin,
            double.IsNaN(hi) ? double.NaN : hi,
            points,
            ns3.Count,
            wall[wall.Count / 2],
            fluidMs);
    }
}
