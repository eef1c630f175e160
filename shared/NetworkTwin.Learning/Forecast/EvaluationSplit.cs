using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Forecast;

/// <summary>
/// Where an evaluation's training ends and its test begins, in steps of the series: the model and the
/// baselines learn from the first <see cref="TrainSteps"/> loads and are scored on the
/// <see cref="TestSteps"/> after them.
/// </summary>
public sealed record EvaluationSplit(int TrainSteps, int TestSteps)
{
    /// <summary>Fewest training rows (prediction times with their history) a model is trained on.</summary>
    public const int MinTrainRows = 48;

    /// <summary>Fewest test targets per series for a score at all.</summary>
    public const int MinTestTargets = 12;

    /// <summary>The first <paramref name="trainDays"/> days for training, the next <paramref name="testDays"/> (or the rest) for the test.</summary>
    public static EvaluationSplit ByDays(LoadSeries series, double trainDays, double? testDays)
    {
        var perDay = 86400 / series.StepSeconds;
        var train = (int)Math.Round(trainDays * perDay);
        var test = testDays is { } d ? (int)Math.Round(d * perDay) : series.Values.Length - train;
        if (train + test > series.Values.Length)
        {
            throw new ArgumentException($"{trainDays:0.###} + {testDays ?? 0:0.###} days are {train + test} steps of {series.StepSeconds:0.###} s; the series holds {series.Values.Length} ({series.Values.Length / perDay:0.##} days)");
        }

        if (test < 1)
        {
            throw new ArgumentException($"{trainDays:0.###} training days leave nothing to test: the series holds {series.Values.Length / perDay:0.##} days");
        }

        return new EvaluationSplit(train, test);
    }

    /// <summary>The first <paramref name="fraction"/> of the series for training, the rest for the test.</summary>
    public static EvaluationSplit ByFraction(LoadSeries series, double fraction)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentException($"the training fraction {fraction} must be between 0 and 1");
        }

        var train = (int)Math.Round(fraction * series.Values.Length);
        return new EvaluationSplit(train, series.Values.Length - train);
    }

    /// <summary>
    /// Steps per day when the step divides a day and the training holds at least two days (one to look
    /// back on, one to learn from looking back); otherwise 0: no seasonal features, no previous-day baseline.
    /// </summary>
    public static int SeasonFor(LoadSeries series, int trainSteps)
    {
        var day = series.StepsPerDay;
        return day > 1 && trainSteps >= 2 * day ? day : 0;
    }

    /// <summary>Steps at the end of the training held out to pick the epoch and calibrate the interval: the last day when there are three, else a fifth.</summary>
    public int HeldOutSteps(int day) => day > 0 && TrainSteps >= 3 * day ? day : Math.Max(1, TrainSteps / 5);

    /// <summary>Throws an <see cref="ArgumentException"/> that says how much is missing when the series cannot be evaluated this way.</summary>
    public void Check(IReadOnlyList<LoadSeries> series, FeatureSpec spec)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException("no series to evaluate");
        }

        var length = series[0].Values.Length;
        if (series.Any(s => s.Values.Length != length || s.StepSeconds != series[0].StepSeconds))
        {
            throw new ArgumentException("every series needs the same step and length");
        }

        if (TrainSteps < 1 || TestSteps < 1 || TrainSteps + TestSteps > length)
        {
            throw new ArgumentException($"{TrainSteps} training and {TestSteps} test steps do not fit the series' {length} steps");
        }

        var trainRows = TrainSteps - HeldOutSteps(spec.SeasonSteps) - spec.HistoryNeeded - spec.Horizon + 1;
        if (trainRows < MinTrainRows / 2)
        {
            throw new ArgumentException($"too short to train: {TrainSteps} training steps leave {Math.Max(0, trainRows)} prediction times after the {spec.HistoryNeeded} steps of history each needs and the {spec.Horizon}-step horizon; give at least {spec.HistoryNeeded + spec.Horizon + HeldOutSteps(spec.SeasonSteps) + (MinTrainRows / 2)} training steps");
        }

        if (TestSteps - spec.Horizon < MinTestTargets)
        {
            throw new ArgumentException($"too short to test: {TestSteps} test steps leave {Math.Max(0, TestSteps - spec.Horizon)} targets at horizon {spec.Horizon}; give at least {MinTestTargets + spec.Horizon} test steps or a shorter horizon");
        }
    }
}
