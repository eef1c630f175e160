using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Learning.Tests;

/// <summary><c>networktwin lab forecast evaluate</c>'s core: any step, any split, the season the history allows, and an honest verdict.</summary>
public sealed class ForecastEvaluationTests
{
    private static readonly BnnOptions Quick = new() { Hidden = [16], Epochs = 15, PosteriorSamples = 8 };

    /// <summary>The synthetic daily pattern resampled to a coarser step (means of consecutive 5-minute loads).</summary>
    private static List<LoadSeries> Resampled(int links, int days, int factor, int seed) =>
        [.. ForecastTests.Synthetic(links, days, seed).Select(s => new LoadSeries(s.Name, s.Start, s.StepSeconds * factor,
            [.. Enumerable.Range(0, s.Values.Length / factor).Select(i => s.Values.AsSpan(i * factor, factor).ToArray().Average())]))];

    [Fact]
    public void Run_HourlyStepsSplitByFraction_UsesTheDailySeasonAndBeatsTheLastValueWithAClaim()
    {
        var series = Resampled(3, 12, factor: 12, seed: 4);
        var split = EvaluationSplit.ByFraction(series[0], 0.75);

        var result = ForecastEvaluation.Run(series, horizon: 3, split, Quick with { Epochs = 30 });

        Assert.Equal(24, result.SeasonSteps);
        Assert.Equal(3600, result.StepSeconds);
        Assert.False(double.IsNaN(result.Overall.PreviousDayWape));
        Assert.True(result.Overall.ModelWape < result.Overall.LastValueWape, $"model {result.Overall.ModelWape:P1}, last value {result.Overall.LastValueWape:P1}");
        var comparison = Assert.IsType<BaselineComparison>(result.Comparison);
        Assert.NotEqual(ClaimVerdict.TooShort, comparison.Verdict);
        Assert.True(comparison.Low <= comparison.Relative && comparison.Relative <= comparison.High, comparison.Describe());
    }

    [Fact]
    public void Run_LessThanTwoDaysOfTraining_NoSeasonAndNoPreviousDayBaseline_StillAResult()
    {
        var series = ForecastTests.Synthetic(2, 2, seed: 5);
        var split = EvaluationSplit.ByFraction(series[0], 0.5);

        var result = ForecastEvaluation.Run(series, horizon: 1, split, Quick);

        Assert.Equal(0, result.SeasonSteps);
        Assert.True(double.IsNaN(result.Overall.PreviousDayWape));
        Assert.Equal(Math.Min(result.Overall.LastValueWape, result.Overall.EwmaWape), result.Overall.BestBaselineWape);
        Assert.InRange(result.Overall.ModelWape, 0, 1);
    }

    [Fact]
    public void Run_TooFewStepsToTrain_SaysHowManyAreNeeded()
    {
        var series = ForecastTests.Synthetic(1, 1, seed: 6).Select(s => s with { Values = s.Values[..80] }).ToList();

        var error = Assert.Throws<ArgumentException>(() => ForecastEvaluation.Run(series, 1, EvaluationSplit.ByFraction(series[0], 0.5), Quick));

        Assert.Contains("too short to train: 40 training steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ByDays_MoreDaysThanTheSeriesHolds_SaysWhatItHolds()
    {
        var series = ForecastTests.Synthetic(1, 3, seed: 7)[0];

        var error = Assert.Throws<ArgumentException>(() => EvaluationSplit.ByDays(series, 2, 2));

        Assert.Contains("the series holds 864 (3 days)", error.Message, StringComparison.Ordinal);
        Assert.Equal(new EvaluationSplit(576, 288), EvaluationSplit.ByDays(series, 2, null));
        Assert.Contains("3 training days leave nothing to test", Assert.Throws<ArgumentException>(() => EvaluationSplit.ByDays(series, 3, null)).Message, StringComparison.Ordinal);
    }

    private static StepErrors Step(double model, double last) => new(Actual: 100, Model: model, Last: last, Day: double.NaN, Ewma: 1000);

    private static readonly ForecastScore Scores = new("all", ModelWape: 0.1, Coverage: 0.9, LastValueWape: 0.2, PreviousDayWape: double.NaN, EwmaWape: 10);

    [Fact]
    public void Comparison_ModelErrsLessEverywhere_ClaimsTheModelIsBetter()
    {
        var steps = Enumerable.Range(0, 100).Select(i => Step(10 + (i % 3), 20 + (i % 5))).ToList();

        var c = BaselineComparison.Of(Scores, steps, 300, day: 0);

        Assert.Equal(ClaimVerdict.ModelBetter, c.Verdict);
        Assert.Equal("last value", c.Baseline);
        Assert.Equal(10, c.Blocks);
        Assert.StartsWith("the model beats last value: -50.0%", c.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_ErrorsTakeTurns_MakesNoClaim()
    {
        var steps = Enumerable.Range(0, 100).Select(i => (i / 10) % 2 == 0 ? Step(10, 30) : Step(30, 10)).ToList();

        var c = BaselineComparison.Of(Scores with { ModelWape = 0.2 }, steps, 300, day: 0);

        Assert.Equal(ClaimVerdict.NoDifference, c.Verdict);
        Assert.StartsWith("no claim:", c.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Comparison_FewerThanFiveBlocks_SaysTheTestIsTooShort()
    {
        var steps = Enumerable.Range(0, 4).Select(_ => Step(10, 20)).ToList();

        var c = BaselineComparison.Of(Scores, steps, 300, day: 0);

        Assert.Equal(ClaimVerdict.TooShort, c.Verdict);
        Assert.Contains("too few (5 or more)", c.Describe(), StringComparison.Ordinal);
    }
}
