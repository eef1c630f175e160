using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Telemetry.Tests.Replay;

/// <summary>The replayer against a real mosquitto: what a subscriber (an agent) receives.</summary>
public sealed class TelemetryReplayerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task SecondPass_WithTimeShift_RepublishesTheSameRowsLaterInDataTime()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 2, Links = 1, CellsPerRu = 2, DurationSeconds = 1, Seed = 3 });
        await ScenarioWriter.WriteAsync(scenario, _dir, null, default);
        var source = await ReplaySource.LoadAsync(_dir, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        await using var subscriber = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "replay-sub" });
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "replay-pub" });
        subscriber.Start();
        publisher.Start();
        await subscriber.SubscribeAsync("nt/shift/+/throughput", MqttQos.AtLeastOnce);
        var options = new ReplayOptions { Site = "shift", Speed = 0, Qos = MqttQos.AtLeastOnce, LimitSeconds = 0.2 };

        var first = await TelemetryReplayer.RunAsync(source, publisher, options, null, default);
        var second = await TelemetryReplayer.RunAsync(source, publisher, options with { ShiftSeconds = 50 }, null, default);

        // Cell 1's throughput rows within the limit, as the capture has them: published once as they are, once 50 s later.
        var cell = source.Cells.Single(c => c.CellId == 1);
        var expected = cell.ThroughputTimes.Where(t => t <= source.StartSeconds + 0.2).ToList();
        var received = await ReceiveAsync(subscriber, "nt/shift/1/throughput", 2 * expected.Count);
        Assert.Equal(first.Rows, second.Rows);
        Assert.Equal(expected.Count * 2, received.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], received[i].Time, 6);
            Assert.Equal(expected[i] + 50, received[expected.Count + i].Time, 6);
            Assert.Equal(received[i].Kbit, received[expected.Count + i].Kbit);
        }
    }

    [Fact]
    public void Options_NegativeOrNonFiniteShift_IsRefused()
    {
        Assert.Contains(new ReplayOptions { ShiftSeconds = -1 }.Validate(), e => e.Contains("time shift", StringComparison.Ordinal));
        Assert.Contains(new ReplayOptions { ShiftSeconds = double.NaN }.Validate(), e => e.Contains("time shift", StringComparison.Ordinal));
        Assert.Empty(new ReplayOptions { ShiftSeconds = 12.5 }.Validate());
    }

    /// <summary>The rows of one topic, in the order received (one topic's messages keep their order).</summary>
    private static async Task<List<(double Time, string Kbit)>> ReceiveAsync(MqttClient subscriber, string topic, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var rows = new List<(double, string)>();
        while (rows.Count < count)
        {
            var message = await subscriber.Messages.ReadAsync(timeout.Token);
            if (message.Topic != topic)
            {
                continue;
            }

            foreach (var line in Encoding.ASCII.GetString(message.Payload.Span).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ');
                rows.Add((double.Parse(fields[0], CultureInfo.InvariantCulture), fields[1]));
            }
        }

        return rows;
    }
}
