using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;
using NetworkTwin.Onnx.Format;

namespace NetworkTwin.Learning.Tests;

public sealed class ForecastTests
{
    /// <summary>Links with a daily cycle, a slow trend and multiplicative noise, 5-minute steps.</summary>
    internal static List<LoadSeries> Synthetic(int links, int days, int seed)
    {
        var rng = new Random(seed);
        var start = new DateTimeOffset(2004, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<LoadSeries>();
        for (var l = 0; l < links; l++)
        {
            var scale = 100 * (l + 1);
            var phase = rng.NextDouble();
            var values = new double[days * 288];
            var ar = 0.0;
            for (var t = 0; t < values.Length; t++)
            {
                ar = (0.9 * ar) + (0.05 * BayesianMlp.Gaussian(rng));
                var daily = 1 + (0.5 * Math.Sin(2 * Math.PI * ((t / 288.0) + phase)));
                values[t] = scale * daily * Math.Exp(ar + (0.03 * BayesianMlp.Gaussian(rng)));
            }

            list.Add(new LoadSeries($"link{l}", start, 300, values));
        }

        return list;
    }

    private static readonly BnnOptions Quick = new() { Hidden = [16], Epochs = 12, PosteriorSamples = 8 };

    [Fact]
    public void Features_are_the_documented_log_differences()
    {
        var spec = new FeatureSpec { SeasonSteps = 0, Calendar = false, Lags = [1, 3], RecentSteps = 3 };
        double[] history = [10, 20, 30, 40, 50, 60, 70, 80];
        var features = new float[spec.FeatureCount];
        var z = FeatureBuilder.Compute(spec, history, DateTimeOffset.UnixEpoch, features);

        Assert.Equal(Math.Log(80 + spec.Offset), z, 9);
        Assert.Equal(Math.Log(81.0 / 71.0), features[0], 5);
        Assert.Equal(Math.Log(81.0 / 51.0), features[1], 5);
        Assert.Equal(spec.FeatureNames().Count, spec.FeatureCount);
        Assert.Throws<ArgumentException>(() => FeatureBuilder.Compute(spec, history.AsSpan(0, 3), DateTimeOffset.UnixEpoch, features));
    }

    [Fact]
    public void The_exported_model_on_onnx_runtime_matches_the_trained_network()
    {
        var series = Synthetic(3, 3, seed: 5);
        var spec = new FeatureSpec { Horizon = 1, Offset = 1 };
        var train = new TrainingSet(spec).Add(series, 0, 2 * 288);
        var held = new TrainingSet(spec).Add(series, 2 * 288, 3 * 288);
        var net = BayesianMlp.Train(train, held, Quick);
        var rng = new Random(1);
        var draws = Enumerable.Range(0, 8).Select(_ => net.SampleWeights(rng)).ToList();
        net.Calibrate(held, draws);
        var model = BnnExport.ToOnnx(net, spec, draws, version: 42, "test");

        using var forecaster = LoadForecaster.Load(model);
        Assert.Equal(42, forecaster.Version);
        var rows = forecaster.PredictRows(held);
        for (var i = 0; i < held.Count; i += 37)
        {
            var (m, s) = net.Predict(held.Row(i), draws);
            var median = Math.Exp(held.Levels[i] + m) - spec.Offset;
            Assert.Equal(median, rows[i].Median, median * 1e-3);
            Assert.Equal(s, rows[i].LogStd, 1e-3);
            Assert.True(rows[i].Lower <= rows[i].Median && rows[i].Median <= rows[i].Upper);
            Assert.True(rows[i].Mean >= rows[i].Median);
        }

        // One prediction through the reusable binding equals the batched one.
        var t = held.Step[5];
        var values = series[held.SeriesIndex[5]].Values;
        var one = forecaster.Predict(values.AsSpan(0, t + 1), series[0].TimeOf(t));
        Assert.Equal(rows[5].Median, one.Median, rows[5].Median * 1e-5);
        Assert.True(forecaster.Quantile(one, 0.99) > one.Upper);
    }

    [Fact]
    public void On_a_daily_pattern_the_model_beats_the_last_value_an_hour_ahead_with_an_honest_interval()
    {
        var series = Synthetic(4, 6, seed: 9);
        var result = ForecastEvaluation.Run(series, horizon: 12, trainDays: 4, testDays: 2, Quick with { Epochs = 20 });
        Assert.True(result.Overall.ModelWape < result.Overall.LastValueWape, $"model {result.Overall.ModelWape:P1}, last value {result.Overall.LastValueWape:P1}");
        Assert.InRange(result.Overall.Coverage, 0.80, 0.97);
        Assert.All(result.Links, l => Assert.NotNull(l.Capacity));
    }

    [Fact]
    public void Models_that_are_not_load_forecasts_are_refused_with_the_reason()
    {
        var other = new OnnxModelBuilder("x").Input("x", Onnx.OnnxElementType.Float, 1, 1).Node("Relu", ["x"], ["y"]).Output("y", Onnx.OnnxElementType.Float, 1, 1).ToBytes();
        Assert.Contains("networktwin.kind", Assert.Throws<InvalidDataException>(() => LoadForecaster.Load(other)).Message, StringComparison.Ordinal);
        Assert.Contains("not an ONNX file", Assert.Throws<InvalidDataException>(() => LoadForecaster.Load([1, 2, 3, 255, 255])).Message, StringComparison.Ordinal);

        var wrongOutputs = new OnnxModelBuilder("x").Metadata(BnnExport.ModelKindKey, BnnExport.ModelKind).Metadata(FeatureSpec.MetadataKey, new FeatureSpec().ToJson())
            .Input("features", Onnx.OnnxElementType.Float, -1, new FeatureSpec().FeatureCount).Input("level", Onnx.OnnxElementType.Float, -1, 1)
            .Node("Identity", ["level"], ["mean"]).Output("mean", Onnx.OnnxElementType.Float, -1, 1).ToBytes();
        Assert.Contains("no output 'std'", Assert.Throws<InvalidDataException>(() => LoadForecaster.Load(wrongOutputs)).Message, StringComparison.Ordinal);

        var badSpec = new OnnxModelBuilder("x").Metadata(BnnExport.ModelKindKey, BnnExport.ModelKind).Metadata(FeatureSpec.MetadataKey, new FeatureSpec { Horizon = 0 }.ToJson()).ToBytes();
        Assert.Contains("Horizon 0", Assert.Throws<InvalidDataException>(() => LoadForecaster.Load(badSpec)).Message, StringComparison.Ordinal);
    }
}
