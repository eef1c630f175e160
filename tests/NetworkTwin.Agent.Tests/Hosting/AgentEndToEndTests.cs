using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Agent.Tests.Hosting;

/// <summary>The agent as it runs: a real mosquitto, the real host, telemetry replayed over MQTT.</summary>
public sealed class AgentEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-agent-e2e-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IHost BuildAgent(int port, Dictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinSeconds"] = "0.05",
            ["Agent:Site"] = "lab",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Window:EvaluateEverySeconds"] = "0.5",
            ["Agent:Logging:ConsoleLevel"] = "None",
        };
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        return AgentHost.Build([], c => c.AddInMemoryCollection(settings));
    }

    private async Task<AgentStatusDocument> StatusWhen(Func<AgentStatusDocument, bool> condition, string what, double timeoutSeconds = 60)
    {
        var path = Path.Combine(_dir, "agent", AgentStatusDocument.FileName);
        var clock = Stopwatch.StartNew();
        AgentStatusDocument? last = null;
        while (clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            if (File.Exists(path))
            {
                last = JsonSerializer.Deserialize<AgentStatusDocument>(await File.ReadAllBytesAsync(path), AgentStatusDocument.JsonOptions);
                if (last is not null && condition(last))
                {
                    return last;
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"timed out waiting for: {what}; last status: {(last is null ? "none" : JsonSerializer.Serialize(last, AgentStatusDocument.JsonOptions))}");
        return null!;
    }

    [Fact]
    public async Task ReplayedCapture_WithHostileMessagesMixedIn_AgentFindsTheTrueLinksAndKeepsRunning()
    {
        var spec = new ScenarioSpec { Cells = 12, Links = 2, CellsPerRu = 3, DurationSeconds = 6, Seed = 11 };
        var scenario = FronthaulScenarioGenerator.Generate(spec);
        var capture = Path.Combine(_dir, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        var source = await ReplaySource.LoadAsync(capture, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        using var agent = BuildAgent(broker.Port, new() { ["Agent:Analysis:DeclaredLinks"] = "2", ["Agent:Analysis:Pins:1"] = scenario.Truth.LinkOfCell[1].ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await agent.StartAsync();
        await StatusWhen(s => s.Broker is { Connected: true }, "the agent to connect");
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "replayer", CleanSession = true });
        publisher.Start();

        await publisher.PublishAsync(new MqttMessage("nt/lab/7/latency", "1 2"u8.ToArray()));
        await publisher.PublishAsync(new MqttMessage("nt/lab/7/throughput", "\0NT\u0001 not a batch"u8.ToArray()));
        await publisher.PublishAsync(new MqttMessage("nt/lab/7/pkt-stats", "rm -rf /\n"u8.ToArray()));
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "lab", Speed = 0, Binary = true, Qos = MqttQos.AtLeastOnce }, null, default);
        await StatusWhen(s => s.Ingest.Rows == source.Rows, "every row applied");
        var applied = DateTimeOffset.UtcNow;
        var status = await StatusWhen(
            s => s.Links.Count == 2 && s.Window.LastEvaluatedAt > applied,
            "every row applied and two links found");
        await agent.StopAsync();

        Assert.Equal(1, status.Ingest.RejectedTopics);
        Assert.Equal(2, status.Ingest.MalformedPayloads);
        Assert.Equal(source.Rows, status.Ingest.Rows);
        foreach (var link in status.Links)
        {
            var truth = link.Cells.Select(c => scenario.Truth.LinkOfCell[c]).Distinct().ToList();
            Assert.Single(truth);
            Assert.Equal(link.Id, truth[0]);
        }

        Assert.Equal(12, status.Links.Sum(l => l.Cells.Length));

        // The live windows report clock groups: each radio unit (3 cells of one RU clock) whole in one group, each group
        // on one true link. Two radio units whose clocks agree within 3 slots (link 1's here, 1.5 ms apart) are one group.
        var groups = status.Links.SelectMany(l => l.ClockGroups).ToList();
        foreach (var unit in scenario.Truth.LinkOfCell.GroupBy(p => (Link: p.Value, Clock: scenario.Truth.ClockOffsetMsOfCell[p.Key])))
        {
            Assert.Single(groups, g => unit.All(p => g.Contains(p.Key)));
        }

        Assert.All(groups, g => Assert.Single(g.Select(c => scenario.Truth.LinkOfCell[c]).Distinct()));
        Assert.Equal(12, groups.Sum(g => g.Length));
        Assert.True(status.Latency.Samples > 0, "binary batches carry send stamps");
        Assert.True(status.Outbox!.LastSequence >= 14, "every evaluation's link and cell results are in the outbox");
        var log = Directory.GetFiles(Path.Combine(_dir, "agent", "logs"));
        Assert.NotEmpty(log);
    }

    [Fact]
    public async Task TailedFiles_GrowingAndMalformed_AreReadAsTheyGrowAndCountedInTheStatus()
    {
        var logs = Directory.CreateDirectory(Path.Combine(_dir, "du-logs")).FullName;
        var path = Path.Combine(logs, "pkt-stats-cell-5.dat");
        await File.WriteAllTextAsync(path, "time tx rx tooLate\n1.0000 40 40 0\n1.0005 40 39 0\n");
        using var agent = BuildAgent(1, new()
        {
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = logs,
            ["Agent:Ingest:TailPollMilliseconds"] = "20",
        });

        await agent.StartAsync();
        await StatusWhen(s => s.Ingest.Rows == 2, "the first two rows");
        await File.AppendAllTextAsync(path, "1.0010 40 40 0\nthis is not a row\n1.0015 40 38 1\n");
        var status = await StatusWhen(s => s.Ingest.Rows == 4, "the appended rows");
        await agent.StopAsync();

        Assert.Equal(1, status.Ingest.MalformedLines);
        Assert.Null(status.Broker);
        var file = Assert.Single(status.Ingest.Files);
        Assert.Equal(new FileInfo(path).Length, file.Offset);
        Assert.Equal(4, Assert.Single(status.Cells).PacketRows);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(0)]
    public async Task WindowAnalysis_RunsAtTheConfiguredNice_SoIngestWinsTheCpu(int nice)
    {
        var logs = Directory.CreateDirectory(Path.Combine(_dir, "du-logs")).FullName;
        using var agent = BuildAgent(1, new()
        {
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = logs,
            ["Agent:Analysis:Nice"] = nice.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        await agent.StartAsync();
        // The analysis thread sets its own priority as it starts; its first evaluation comes 0.5 s later.
        await StatusWhen(_ => AnalysisThreadNice() is not null, "the window analysis thread", 30);
        await Task.Delay(600);
        var seen = AnalysisThreadNice();
        await agent.StopAsync();

        // 0 leaves the thread at the agent's own priority (this test process's).
        Assert.Equal(nice == 0 ? ProcessNice() : nice, seen);
    }

    /// <summary>The nice value of this process's thread named window-analysis (/proc: the 19th field of its stat), or null before it exists.</summary>
    private static int? AnalysisThreadNice()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() == "window-analysis")
                {
                    return NiceOf(File.ReadAllText(Path.Combine(task, "stat")));
                }
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return null;
    }

    private static int ProcessNice() => NiceOf(File.ReadAllText("/proc/self/stat"));

    private static int NiceOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Start_InvalidConfiguration_FailsNamingTheKey()
    {
        using var agent = BuildAgent(1883, new() { ["Agent:Window:Seconds"] = "0", ["Mqtt:Port"] = "70000" });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => agent.StartAsync());

        Assert.Contains(ex.Failures, f => f.StartsWith("Agent:Window:Seconds", StringComparison.Ordinal) || f.StartsWith("Mqtt:Port", StringComparison.Ordinal));
    }
}
