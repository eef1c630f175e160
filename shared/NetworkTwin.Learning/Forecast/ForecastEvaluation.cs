using System.Diagnostics;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Forecast;

/// <summary>Accuracy of one forecaster on one link (or all): WAPE and, for the model, 90%-interval coverage.</summary>
public sealed record ForecastScore(string Link, double ModelWape, double Coverage, double LastValueWape, double PreviousDayWape, double EwmaWape)
{
    /// <summary>Chance-constrained capacity of the link, when scored: static (fitted distribution) and predictive.</summary>
    public CapacityScore? Capacity { get; init; }

    /// <summary>The lowest baseline WAPE; the previous-day baseline counts only where there was a previous day (not NaN).</summary>
    public double BestBaselineWape => double.IsNaN(PreviousDayWape) ? Math.Min(LastValueWape, EwmaWape) : Math.Min(LastValueWape, Math.Min(PreviousDayWape, EwmaWape));
}

/// <summary>
/// Capacity that should hold with probability P, two ways, and how often the test loads broke it:
/// static = the P-quantile of the distribution fitted (best AIC) to the training loads; predictive =
/// the P-quantile of each window's prediction. Peak = the training maximum (peak provisioning).
/// </summary>
public sealed record CapacityScore(string Distribution, double Ks, double StaticCapacity, double StaticViolation, double PredictiveMedianCapacity, double PredictiveViolation, double TrainingPeak, double PeakViolation);

public sealed record HorizonEvaluation(
    int Horizon,
    double StepSeconds,
    ForecastScore Overall,
    IReadOnlyList<ForecastScore> Links,
    double EwmaAlpha,
    double TrainSeconds,
    int TrainRows,
    int TestRows,
    double Temperature,
    byte[] Model)
{
    /// <summary>Steps per season the model used (a day), 0 when the training history held too few days for one.</summary>
    public int SeasonSteps { get; init; }

    /// <summary>How far the model's WAPE is from the best baseline's, and whether the test period supports the claim.</summary>
    public BaselineComparison? Comparison { get; init; }
}

/// <summary>
/// Trains on the first days of the series, predicts the following days at a given horizon through
/// the exported ONNX model on ONNX Runtime, and scores it next to three baselines on the same targets:
/// last value, same time the previous day, and an EWMA whose smoothing is tuned on the training days.
/// WAPE = sum |actual - forecast| / sum actual; the model's point forecast is its median.
/// </summary>
public static class ForecastEvaluation
{
    /// <summary>Train on <paramref name="trainDays"/> whole days, test on the <paramref name="testDays"/> after them.</summary>
    public static HorizonEvaluation Run(IReadOnlyList<LoadSeries> series, int horizon, int trainDays, int testDays, BnnOptions options, IProgress<string>? progress = null, double capacityProbability = 0.99)
    {
        var day = series[0].StepsPerDay;
        if (day == 0)
        {
            throw new ArgumentException("the series' step must divide a day", nameof(series));
        }

        if (series.Any(s => s.Values.Length < (trainDays + testDays) * day))
        {
            throw new ArgumentException($"every series needs {trainDays + testDays} days ({(trainDays + testDays) * day} steps)", nameof(series));
        }

        return Run(series, horizon, new EvaluationSplit(trainDays * day, testDays * day), options, progress, capacityProbability);
    }

    /// <summary>
    /// Train on the split's first steps, test on the ones after them. The daily season (and the
    /// previous-day baseline) is used only when the step divides a day and the training holds two days.
    /// </summary>
    public static HorizonEvaluation Run(IReadOnlyList<LoadSeries> series, int horizon, EvaluationSplit split, BnnOptions options, IProgress<string>? progress = null, double capacityProbability = 0.99)
    {
        var trainSteps = split.TrainSteps;
        var end = split.TrainSteps + split.TestSteps;
        var day = EvaluationSplit.SeasonFor(series[0], trainSteps);
        var spec = new FeatureSpec
        {
            StepSeconds = series[0].StepSeconds,
            Horizon = horizon,
            SeasonSteps = day,
            Calendar = day > 0,
            Offset = Offset(series, trainSteps),
        };
        split.Check(series, spec);

        var clock = Stopwatch.StartNew();
        var held = split.HeldOutSteps(day);
        var train = new TrainingSet(spec).Add(series, 0, trainSteps - held);
        var validation = new TrainingSet(spec).Add(series, trainSteps - held, trainSteps);
        progress?.Report($"horizon {horizon}: training on {train.Count} rows, {validation.Count} (the last {held} steps) held out for the epoch and the interval");
        var (net, draws) = Train(train, validation, options, progress, $"horizon {horizon}");
        var model = BnnExport.ToOnnx(net, spec, draws, version: 1, $"next-{horizon}-step load, trained on the first {trainSteps} steps");
        clock.Stop();

        var test = new TrainingSet(spec).Add(series, trainSteps, end);
        using var forecaster = LoadForecaster.Load(model);
        var predictions = forecaster.PredictRows(test);
        var alpha = TuneEwma(series, horizon, day > 0 ? day : spec.HistoryNeeded, trainSteps);

        var perLink = new List<ForecastScore>();
        var totals = new Accumulator();
        var byStep = new Dictionary<int, StepErrors>();
        for (var s = 0; s < series.Count; s++)
        {
            var acc = new Accumulator();
            var values = series[s].Values;
            var fit = Distributions.DistributionFitter.Fit(values[..trainSteps]).Best;
            var staticCapacity = fit.Quantile(capacityProbability);
            var peak = values[..trainSteps].Max();
            int staticOver = 0, predictiveOver = 0, peakOver = 0, n = 0;
            var predictiveCapacities = new List<double>();
            for (var i = 0; i < test.Count; i++)
            {
                if (test.SeriesIndex[i] != s)
                {
                    continue;
                }

                var t = test.Step[i];
                var p = predictions[i];
                var actual = values[t + horizon];
                var previousDay = day > 0 ? values[t + horizon - day] : double.NaN;
                var sample = (actual, p.Median, p.Lower, p.Upper, values[t], previousDay, Ewma(values, t, alpha));
                acc.Add(sample);
                totals.Add(sample);
                byStep[t] = byStep.GetValueOrDefault(t).Add(sample);
                var predictive = forecaster.Quantile(p, capacityProbability);
                predictiveCapacities.Add(predictive);
                predictiveOver += actual > predictive ? 1 : 0;
                staticOver += actual > staticCapacity ? 1 : 0;
                peakOver += actual > peak ? 1 : 0;
                n++;
            }

            predictiveCapacities.Sort();
            var capacity = new CapacityScore(fit.Name, fit.KsStatistic, staticCapacity, (double)staticOver / Math.Max(1, n), predictiveCapacities.Count == 0 ? 0 : predictiveCapacities[predictiveCapacities.Count / 2], (double)predictiveOver / Math.Max(1, n), peak, (double)peakOver / Math.Max(1, n));
            perLink.Add(acc.Score(series[s].Name) with { Capacity = capacity });
        }

        var overall = totals.Score("all links");
        var steps = byStep.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        return new HorizonEvaluation(horizon, spec.StepSeconds, overall, perLink, alpha, clock.Elapsed.TotalSeconds, train.Count, test.Count, net.Temperature, model)
        {
            SeasonSteps = day,
            Comparison = BaselineComparison.Of(overall, steps, spec.StepSeconds, day),
        };
    }

    /// <summary>
    /// Two passes, each an ensemble of networks from different seeds whose posterior samples are pooled:
    /// first with the last day held out (to pick the epoch and calibrate the interval on data the weights
    /// never saw), then again on every day for that many epochs, so the most recent day (often the only
    /// one of its kind, a Sunday, say) also teaches the model; the calibration carries over. Returns the
    /// networks and the posterior samples to export.
    /// </summary>
    public static (BayesianMlp Net, IReadOnlyList<double[][]> Draws) Train(TrainingSet train, TrainingSet validation, BnnOptions options, IProgress<string>? progress, string label)
    {
        var first = Members(train, validation, options, progress, label);
        var draws = Draws(first, options);
        first[0].Calibrate(validation, draws);
        var epochs = first.Select(n => n.BestEpoch).Order().ElementAt(first.Count / 2);
        progress?.Report($"{label}: best epoch {epochs}, interval scale {first[0].Temperature:0.00}; refitting {first.Count} networks on all {train.Count + validation.Count} rows");
        var all = Members(train.Concat(validation), null, options with { Epochs = Math.Max(1, epochs) }, null, label);
        all[0].Temperature = first[0].Temperature;
        all[0].UpperScores = first[0].UpperScores;
        return (all[0], Draws(all, options));
    }

    private static List<BayesianMlp> Members(TrainingSet train, TrainingSet? validation, BnnOptions options, IProgress<string>? progress, string label)
    {
        var members = new BayesianMlp[Math.Max(1, options.Ensemble)];
        Parallel.For(0, members.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
        {
            members[k] = BayesianMlp.Train(train, validation, options.ForMember(k), k > 0 ? null : new Progress<(int Epoch, double Loss)>(p =>
            {
                if (p.Epoch % 10 == 0)
                {
                    progress?.Report($"{label}: epoch {p.Epoch}/{options.Epochs}, held-out NLL {p.Loss:0.000}");
                }
            }));
        });
        return [.. members];
    }

    /// <summary>The pooled posterior samples: an equal share from every member.</summary>
    public static List<double[][]> Draws(IReadOnlyList<BayesianMlp> members, BnnOptions options)
    {
        var each = (options.PosteriorSamples + members.Count - 1) / members.Count;
        var draws = new List<double[][]>();
        for (var k = 0; k < members.Count; k++)
        {
            var rng = new Random(options.ForMember(k).Seed + 1);
            draws.AddRange(Enumerable.Range(0, each).Select(_ => members[k].SampleWeights(rng)));
        }

        return draws;
    }

    /// <summary>1% of the median training load: small enough not to bias, large enough to keep idle links finite.</summary>
    public static double Offset(IReadOnlyList<LoadSeries> series, int trainSteps)
    {
        var loads = series.SelectMany(s => s.Values.Take(trainSteps)).Order().ToList();
        return Math.Max(1e-6, 0.01 * loads[loads.Count / 2]);
    }

    /// <summary>EWMA of the loads up to and including step t (seeded 60 steps back).</summary>
    public static double Ewma(double[] values, int t, double alpha)
    {
        var from = Math.Max(0, t - 60);
        var e = values[from];
        for (var i = from + 1; i <= t; i++)
        {
            e += alpha * (values[i] - e);
        }

        return e;
    }

    private static double TuneEwma(IReadOnlyList<LoadSeries> series, int horizon, int fromStep, int trainSteps)
    {
        var best = (Alpha: 1.0, Wape: double.PositiveInfinity);
        foreach (var alpha in new[] { 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 })
        {
            double err = 0, sum = 0;
            foreach (var s in series)
            {
                for (var t = fromStep; t + horizon < trainSteps; t++)
                {
                    err += Math.Abs(s.Values[t + horizon] - Ewma(s.Values, t, alpha));
                    sum += s.Values[t + horizon];
                }
            }

            if (err / sum < best.Wape)
            {
                best = (alpha, err / sum);
            }
        }

        return best.Alpha;
    }

    /// <summary>A link's (or all links') error sums, the same <see cref="StepErrors"/> the comparison sums per step, and the interval's coverage.</summary>
    private sealed class Accumulator
    {
        private StepErrors _errors;
        private int _covered, _count;

        public void Add((double Actual, double Median, double Lower, double Upper, double Last, double Day, double Ewma) s)
        {
            _errors = _errors.Add(s);
            _covered += s.Actual >= s.Lower && s.Actual <= s.Upper ? 1 : 0;
            _count++;
        }

        public ForecastScore Score(string link)
        {
            var sum = Math.Max(_errors.Actual, 1e-12);
            return new ForecastScore(link, _errors.Model / sum, (double)_covered / Math.Max(1, _count), _errors.Last / sum, _errors.Day / sum, _errors.Ewma / sum);
        }
    }
}
