using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Forecast;
using NetworkTwin.Agent.Live;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Learning.Forecast;
using NetworkTwin.Learning.Series;

namespace NetworkTwin.Agent.Tests.Forecast;

public sealed class LinkForecastsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-fc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A real forecast model for 2 s windows, trained briefly on a noisy level of about 10 Gbit/s.</summary>
    private static byte[] Model(long version)
    {
        var rng = new Random(8);
        var values = Enumerable.Range(0, 500).Select(_ => 10 + rng.NextDouble()).ToArray();
        var series = new[] { new LoadSeries("steady", DateTimeOffset.UnixEpoch, 2, values) };
        var spec = new FeatureSpec { StepSeconds = 2, SeasonSteps = 0, Calendar = false, Offset = 0.1, Lags = [1, 2, 3, 6], RecentSteps = 6 };
        var net = BayesianMlp.Train(new TrainingSet(spec).Add(series, 0, 400), new TrainingSet(spec).Add(series, 400, 500), new BnnOptions { Hidden = [8], Epochs = 20 });
        var rng2 = new Random(2);
        var draws = Enumerable.Range(0, 4).Select(_ => net.SampleWeights(rng2)).ToList();
        net.Calibrate(new TrainingSet(spec).Add(series, 400, 500), draws);
        return BnnExport.ToOnnx(net, spec, draws, version, "steady test model");
    }

    private static LinkReport Link(double mean) => new(1, [1, 2], mean * 3, mean * 2, mean * 1.5, mean, null, mean * 2.5, mean * 3, 10, 0.5, "test");

    [Fact]
    public void Forecasts_name_their_model_and_a_sustained_departure_is_reported_once_each_way()
    {
        using var slot = new ModelSlot(Options.Create(new AgentOptions { DataDirectory = _dir }), NullLogger<ModelSlot>.Instance);
        var forecasts = new LinkForecasts(slot);
        var at = DateTimeOffset.UnixEpoch;
        var rng = new Random(5);

        // Without a model: nothing is forecast.
        Assert.Empty(forecasts.After([Link(10)], at));
        slot.Install("steady", 4, Model(4));

        var changes = new List<(int Window, bool Left)>();
        var made = new List<NetworkTwin.Contracts.Sync.LoadForecast>();
        for (var w = 0; w < 90; w++)
        {
            // Steady, then four times the load for 15 windows, then steady again.
            var load = (w is >= 40 and < 55 ? 40 : 10) + rng.NextDouble();
            made.AddRange(forecasts.After([Link(load)], at.AddSeconds(2 * w)));
            changes.AddRange(forecasts.Changes.Select(c => (w, c.Left)));
        }

        Assert.NotEmpty(made);
        Assert.All(made, f => Assert.Equal(("steady", 4L), (f.ModelName, f.ModelVersion)));
        Assert.All(made, f => Assert.True(f.LowerGbps <= f.MedianGbps && f.MedianGbps <= f.UpperGbps));
        // Reported within a few windows of the jump, back inside once the forecast has caught up; the model
        // (trained on a steady load only) may lose the link again around and after the drop, but each
        // departure is reported once, alternating with its recovery, not once per window.
        Assert.True(changes.Count >= 2 && changes.Count < forecasts.Anomalies, string.Join(", ", changes));
        Assert.InRange(changes[0].Window, 40, 45);
        Assert.True(changes[0].Left);
        Assert.False(changes[^1].Left, string.Join(", ", changes));
        Assert.Equal(changes.Count, changes.Zip(changes.Skip(1)).Count(p => p.First.Left != p.Second.Left) + 1);
        Assert.True(forecasts.Anomalies >= LinkForecasts.RunLength);
        Assert.Equal(made.Count, forecasts.Produced);
    }

    [Fact]
    public void A_model_for_another_step_is_refused_and_the_current_one_kept()
    {
        using var slot = new ModelSlot(Options.Create(new AgentOptions { DataDirectory = _dir }), NullLogger<ModelSlot>.Instance);
        slot.Install("steady", 4, Model(4));
        var other = new AgentOptions { DataDirectory = _dir };
        other.Window.EvaluateEverySeconds = 10;
        using var tenSeconds = new ModelSlot(Options.Create(other), NullLogger<ModelSlot>.Instance);

        var e = Assert.Throws<InvalidDataException>(() => tenSeconds.Install("steady", 5, Model(5)));
        Assert.Contains("evaluates every 10 s", e.Message, StringComparison.Ordinal);
        Assert.Equal((string.Empty, 0L), tenSeconds.Current);
        Assert.Throws<InvalidDataException>(() => slot.Install("steady", 6, [1, 2, 3]));
        Assert.Equal(("steady", 4L), slot.Current);
    }

    [Fact]
    public void A_model_for_the_interval_the_agent_actually_keeps_is_accepted_when_it_cannot_keep_its_configured_one()
    {
        // Configured to evaluate every second, the agent has managed every 2 s: the coordinator trained on 2 s results.
        var options = new AgentOptions { DataDirectory = _dir };
        options.Window.EvaluateEverySeconds = 1;
        var cadence = new EvaluationCadence();
        using var slot = new ModelSlot(Options.Create(options), NullLogger<ModelSlot>.Instance, cadence);
        var keptEverySecond = new EvaluationCadence();
        using var prompt = new ModelSlot(Options.Create(options), NullLogger<ModelSlot>.Instance, keptEverySecond);
        var start = DateTimeOffset.UnixEpoch.AddDays(20_000);
        for (var i = 0; i < 6; i++)
        {
            cadence.Record(start.AddSeconds(2.0 * i));
            keptEverySecond.Record(start.AddSeconds(i));
        }

        using var before = new ModelSlot(Options.Create(options), NullLogger<ModelSlot>.Instance, new EvaluationCadence());
        Assert.Throws<InvalidDataException>(() => before.Install("steady", 3, Model(3)));
        Assert.Contains("v4 in use", slot.Install("steady", 4, Model(4)), StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => prompt.Install("steady", 5, Model(5)));
        Assert.Contains("evaluates every 1 s (Agent:Window:EvaluateEverySeconds) and has lately evaluated every 1 s", e.Message, StringComparison.Ordinal);
        Assert.Equal(("steady", 4L), slot.Current);
    }
}
