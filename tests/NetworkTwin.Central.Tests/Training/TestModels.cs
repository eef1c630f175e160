using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Central.Tests.Training;

/// <summary>Small but real forecast models (trained for a few epochs on a synthetic load) for the command and hot-swap tests.</summary>
internal static class TestModels
{
    public static byte[] Forecast(double stepSeconds, long version)
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 400).Select(i => 10 + (3 * Math.Sin(i / 20.0)) + rng.NextDouble()).ToArray();
        var series = new[] { new LoadSeries("synthetic", DateTimeOffset.UnixEpoch, stepSeconds, values) };
        var spec = new FeatureSpec { StepSeconds = stepSeconds, SeasonSteps = 0, Calendar = false, Offset = 0.1 };
        var train = new TrainingSet(spec).Add(series, 0, 300);
        var held = new TrainingSet(spec).Add(series, 300, 400);
        var net = BayesianMlp.Train(train, held, new BnnOptions { Hidden = [8], Epochs = 3 });
        return BnnExport.ToOnnx(net, spec, samples: 4, seed: 1, version, "test model");
    }
}
