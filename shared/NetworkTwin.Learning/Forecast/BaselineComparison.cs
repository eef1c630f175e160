using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Forecast;

/// <summary>The absolute errors of every forecaster at one prediction time, summed over the links.</summary>
public readonly record struct StepErrors(double Actual, double Model, double Last, double Day, double Ewma)
{
    public StepErrors Add((double Actual, double Median, double Lower, double Upper, double Last, double Day, double Ewma) s) =>
        new(Actual + s.Actual, Model + Math.Abs(s.Actual - s.Median), Last + Math.Abs(s.Actual - s.Last), Day + Math.Abs(s.Actual - s.Day), Ewma + Math.Abs(s.Actual - s.Ewma));
}

/// <summary>What the verdict on the model against the best baseline is.</summary>
public enum ClaimVerdict
{
    /// <summary>The model's WAPE is below the best baseline's over the whole interval.</summary>
    ModelBetter,

    /// <summary>The best baseline's WAPE is below the model's over the whole interval.</summary>
    BaselineBetter,

    /// <summary>The interval holds both signs: the test period does not separate them.</summary>
    NoDifference,

    /// <summary>Too few independent blocks in the test period to put an interval on the difference.</summary>
    TooShort,
}

/// <summary>
/// The model's WAPE relative to the best baseline's (-0.13 = 13% lower) with a 90% interval from a block
/// bootstrap over the test period: blocks of a day when the test holds five or more, else a tenth of it,
/// resampled with replacement so the daily cycle and the errors' run-to-run correlation stay inside a block.
/// </summary>
public sealed record BaselineComparison(string Baseline, double Relative, double Low, double High, int Blocks, double BlockSeconds, ClaimVerdict Verdict)
{
    /// <summary>Fewest blocks for an interval worth stating.</summary>
    public const int MinBlocks = 5;

    private const int Resamples = 2000;

    public static BaselineComparison Of(ForecastScore overall, IReadOnlyList<StepErrors> steps, double stepSeconds, int day)
    {
        ArgumentNullException.ThrowIfNull(overall);
        ArgumentNullException.ThrowIfNull(steps);
        var (name, pick) = Best(overall);
        var relative = (overall.ModelWape / overall.BestBaselineWape) - 1;
        var blockSteps = day > 0 && steps.Count >= MinBlocks * day ? day : Math.Max(1, steps.Count / 10);
        var blocks = new List<(double Model, double Baseline)>();
        for (var from = 0; from + blockSteps <= steps.Count; from += blockSteps)
        {
            double model = 0, baseline = 0;
            for (var i = from; i < from + blockSteps; i++)
            {
                model += steps[i].Model;
                baseline += pick(steps[i]);
            }

            blocks.Add((model, baseline));
        }

        if (blocks.Count < MinBlocks)
        {
            return new BaselineComparison(name, relative, double.NaN, double.NaN, blocks.Count, blockSteps * stepSeconds, ClaimVerdict.TooShort);
        }

        // A fixed seed: the same data give the same interval.
        var rng = new Random(20041);
        var ratios = new double[Resamples];
        for (var r = 0; r < Resamples; r++)
        {
            double model = 0, baseline = 0;
            for (var k = 0; k < blocks.Count; k++)
            {
                var b = blocks[rng.Next(blocks.Count)];
                model += b.Model;
                baseline += b.Baseline;
            }

            ratios[r] = baseline > 0 ? (model / baseline) - 1 : 0;
        }

        Array.Sort(ratios);
        var low = ratios[(int)(0.05 * (Resamples - 1))];
        var high = ratios[(int)(0.95 * (Resamples - 1))];
        var verdict = high < 0 ? ClaimVerdict.ModelBetter : low > 0 ? ClaimVerdict.BaselineBetter : ClaimVerdict.NoDifference;
        return new BaselineComparison(name, relative, low, high, blocks.Count, blockSteps * stepSeconds, verdict);
    }

    /// <summary>One line for people: the claim the test supports, or why it supports none.</summary>
    public string Describe() => Verdict switch
    {
        ClaimVerdict.ModelBetter => $"the model beats {Baseline}: {Relative:+0.0%;-0.0%} (90% interval {Low:+0.0%;-0.0%} to {High:+0.0%;-0.0%} over {Blocks} blocks of {Durations.Text(BlockSeconds)})",
        ClaimVerdict.BaselineBetter => $"{Baseline} beats the model: {Relative:+0.0%;-0.0%} (90% interval {Low:+0.0%;-0.0%} to {High:+0.0%;-0.0%} over {Blocks} blocks of {Durations.Text(BlockSeconds)})",
        ClaimVerdict.NoDifference => $"no claim: {Relative:+0.0%;-0.0%} against {Baseline}, but the 90% interval {Low:+0.0%;-0.0%} to {High:+0.0%;-0.0%} over {Blocks} blocks of {Durations.Text(BlockSeconds)} holds both signs",
        _ => $"no claim: the test period holds {Blocks} block(s) of {Durations.Text(BlockSeconds)}, too few ({MinBlocks} or more) to tell the model from {Baseline}; test on more data",
    };

    private static (string Name, Func<StepErrors, double> Pick) Best(ForecastScore o)
    {
        var best = o.BestBaselineWape;
        return o.LastValueWape == best ? ("last value", e => e.Last)
            : o.EwmaWape == best ? ("EWMA", e => e.Ewma)
            : ("previous day", e => e.Day);
    }
}
