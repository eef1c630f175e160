using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Console.Agent;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Console.Tests.Agent;

/// <summary>
/// The real agent process syncing to a coordinator while telemetry is replayed: the coordinator
/// is away for a full minute, then the agent is killed with SIGKILL and started again. Every
/// result the agent numbered reaches the repository exactly once.
/// </summary>
public sealed class SyncOutageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-outage-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private WebApplication Coordinator(int port) => CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
        ["Logging:LogLevel:Default"] = "Warning",
    }));

    [Fact]
    public async Task CoordinatorAwayForAMinute_ThenAgentKilled_EveryResultArrivesExactlyOnce()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 4, Links = 2, CellsPerRu = 2, DurationSeconds = 24, Seed = 5 });
        var capture = Path.Combine(_dir, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        var source = await ReplaySource.LoadAsync(capture, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        var port = LoopbackPort.Free();
        var settings = new Dictionary<string, string>
        {
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = "outage",
            ["Agent:Window:EvaluateEverySeconds"] = "0.5",
            ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{port}",
            ["Agent:Coordinator:AgentId"] = "du-outage",
            ["Agent:Coordinator:BatchSize"] = "50",
            ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
            ["Agent:Coordinator:ReconnectMaxSeconds"] = "2",
            ["Agent:Logging:ConsoleLevel"] = "Warning",
        };
        var agentPath = AgentProcess.Locate(null);
        var data = Path.Combine(_dir, "agent");
        var coordinator = Coordinator(port);
        await coordinator.StartAsync();
        var agent = AgentProcess.Start(agentPath, data, settings);
        await agent.WaitForStatusAsync(s => s.Broker is { Connected: true } && s.Coordinator is { Connected: true }, "connected", TimeSpan.FromSeconds(30), default);
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "outage-replayer", CleanSession = true });
        publisher.Start();

        // 24 s of telemetry at a quarter of real time: about 96 s of replay, through both incidents.
        var replay = TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "outage", Speed = 0.25, Binary = true }, null, default);
        await agent.WaitForStatusAsync(s => s.Outbox is { LastSequence: >= 20, Pending: 0 }, "first results stored", TimeSpan.FromSeconds(60), default);

        await coordinator.StopAsync();
        await coordinator.DisposeAsync();
        var away = await agent.WaitForStatusAsync(s => s.Coordinator is { Connected: false }, "the agent notices", TimeSpan.FromSeconds(30), default);
        await Task.Delay(TimeSpan.FromSeconds(60));
        var piled = await agent.WaitForStatusAsync(_ => true, "status", TimeSpan.FromSeconds(5), default);
        await using var again = Coordinator(port);
        await again.StartAsync();
        await agent.WaitForStatusAsync(s => s.Coordinator is { Connected: true } && s.Outbox!.LastSequence > piled.Outbox!.LastSequence, "reconnected", TimeSpan.FromSeconds(30), default);

        // Mid-stream, with results in flight: SIGKILL, then the same data directory again.
        await agent.KillAsync();
        await agent.DisposeAsync();
        await using var restarted = AgentProcess.Start(agentPath, data, settings);
        await replay;

        // The agent keeps evaluating (and numbering results) after the replay, so "nothing pending" is a moment
        // a busy machine can miss: instead, everything numbered up to now must reach the coordinator.
        var mark = (await restarted.WaitForStatusAsync(s => s.Outbox is not null, "status", TimeSpan.FromSeconds(10), default)).Outbox!.LastSequence;
        var final = await restarted.WaitForStatusAsync(s => s.Coordinator is { Connected: true } && s.Coordinator.AcknowledgedThrough >= mark, "outbox drained up to the mark", TimeSpan.FromSeconds(60), default);

        var stored = again.Services.GetRequiredService<CoordinatorRepository>().Results.Sequences("du-outage");
        Assert.True(piled.Outbox!.Pending > away.Outbox!.Pending, "results piled up in the outbox while the coordinator was away");
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored);
        Assert.True(stored[^1] >= mark, $"stored through {stored[^1]}, the agent had numbered through {mark}");
        Assert.Equal(0, final.Outbox!.Dropped);
    }
}
