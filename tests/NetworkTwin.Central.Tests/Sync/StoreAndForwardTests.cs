using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>
/// mosquitto, a coordinator and an agent on loopback, telemetry replayed over MQTT: every result
/// the agent produces reaches the coordinator's repository exactly once, also when the
/// coordinator is down for a while in the middle.
/// </summary>
public sealed class StoreAndForwardTests(NetworkTwin.Central.Tests.Repository.PostgresClusterFixture postgres) : IClassFixture<NetworkTwin.Central.Tests.Repository.PostgresClusterFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-sync-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private WebApplication Coordinator(int port, string? token = null, string data = "central", string? postgresDatabase = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, data),
            ["Coordinator:Metrics:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (postgresDatabase is not null)
        {
            settings["Coordinator:Repository:Provider"] = "postgresql";
            settings["Coordinator:Repository:ConnectionString"] = postgresDatabase;
        }

        if (token is not null)
        {
            settings["Coordinator:AgentTokens:agent-1"] = token;
        }

        return CoordinatorHost.Build([], c => c.AddInMemoryCollection(settings));
    }

    private async Task<AgentStatusDocument> Status(Func<AgentStatusDocument, bool> condition, string what, double seconds = 60)
    {
        var path = Path.Combine(_dir, "agent", AgentStatusDocument.FileName);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (File.Exists(path))
            {
                var status = JsonSerializer.Deserialize<AgentStatusDocument>(await File.ReadAllBytesAsync(path), AgentStatusDocument.JsonOptions);
                if (status is not null && condition(status))
                {
                    return status;
                }
            }

            await Task.Delay(100);
        }

        Assert.Fail($"timed out waiting for: {what}");
        return null!;
    }

    [Fact]
    public async Task CoordinatorDownMidStream_EveryResultArrivesExactlyOnce()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 8, Links = 2, CellsPerRu = 2, DurationSeconds = 6, Seed = 9 });
        var capture = Path.Combine(_dir, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        var source = await ReplaySource.LoadAsync(capture, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        var port = LoopbackPort.Free();
        var coordinator = Coordinator(port);
        await coordinator.StartAsync();
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = "sync",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Window:EvaluateEverySeconds"] = "0.5",
            ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{port}",
            ["Agent:Coordinator:AgentId"] = "agent-1",
            ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
            ["Agent:Coordinator:ReconnectMaxSeconds"] = "1",
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        await agent.StartAsync();
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "sync-replayer", CleanSession = true });
        publisher.Start();
        await Status(s => s.Broker is { Connected: true } && s.Coordinator is { Connected: true }, "agent connected to broker and coordinator");

        // Phase 1: results flow while the coordinator is up.
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "sync", Speed = 0, Binary = true }, null, default);
        await Status(s => s.Outbox!.LastSequence >= 20 && s.Outbox.Pending == 0, "first results stored");

        // Phase 2: the coordinator goes away; results pile up in the outbox.
        await coordinator.StopAsync();
        await coordinator.DisposeAsync();
        var down = await Status(s => s.Coordinator is { Connected: false }, "agent notices the coordinator is gone");
        await Status(s => s.Outbox!.Pending >= 10, "results waiting in the outbox");

        // Phase 3: the coordinator is back on the same port and data; the outbox drains.
        await using var again = Coordinator(port);
        await again.StartAsync();
        var final = await Status(s => s.Coordinator is { Connected: true } && s.Outbox!.Pending == 0 && s.Outbox.LastSequence > down.Outbox!.LastSequence, "outbox drained after the restart");

        // Phase 4: a second outage is a new one for a field engineer: logged again, not folded into the first.
        await again.StopAsync();
        await Status(s => s.Coordinator is { Connected: false }, "agent notices the second outage");
        await agent.StopAsync();
        agent.Dispose();
        var outages = Directory.GetFiles(Path.Combine(_dir, "agent", "logs")).SelectMany(File.ReadLines).Count(l => l.Contains("Cannot reach the coordinator", StringComparison.Ordinal));
        Assert.Equal(2, outages);

        var stored = again.Services.GetRequiredService<CoordinatorRepository>().Results.Sequences("agent-1");
        var last = stored[^1];
        Assert.Equal(stored.Distinct().Count(), stored.Count);
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), stored);
        Assert.True(last >= final.Outbox!.LastSequence - 0, "everything the agent numbered up to the final status is stored");
        Assert.Equal(0, final.Outbox.Dropped);
    }

    [Fact]
    public async Task ReplicasBehindHaproxy_TheAgentsReplicaStops_ItGoesOnThroughTheOther_AndEveryResultIsStoredOnce()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 8, Links = 2, CellsPerRu = 2, DurationSeconds = 6, Seed = 9 });
        var capture = Path.Combine(_dir, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        var source = await ReplaySource.LoadAsync(capture, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        var database = postgres.NewDatabase();
        var (portA, portB) = (LoopbackPort.Free(), LoopbackPort.Free());

        // Replica a alone at first: the balancer's check finds b down, so the agent's connection goes to a.
        await using var a = Coordinator(portA, data: "a", postgresDatabase: database);
        await a.StartAsync();
        await using var balancer = await HaproxyBalancer.StartAsync([portA, portB]);
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = "sync",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Window:EvaluateEverySeconds"] = "0.5",
            ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{balancer.Port}",
            ["Agent:Coordinator:AgentId"] = "agent-1",
            ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
            ["Agent:Coordinator:ReconnectMaxSeconds"] = "1",
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        await agent.StartAsync();
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "lb-replayer", CleanSession = true });
        publisher.Start();
        await Status(s => s.Broker is { Connected: true } && s.Coordinator is { Connected: true }, "agent connected to the broker and, through the balancer, to replica a");
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "sync", Speed = 0, Binary = true }, null, default);
        var before = await Status(s => s.Outbox!.LastSequence >= 20 && s.Outbox.Pending == 0, "first results stored through replica a");

        // Replica b comes up and a stops: the agent's connection breaks, and its reconnect through the same address lands on b.
        await using var b = Coordinator(portB, data: "b", postgresDatabase: database);
        await b.StartAsync();
        await a.StopAsync();
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "sync", Speed = 0, Binary = true }, null, default);
        var after = await Status(s => s.Coordinator is { Connected: true } && s.Outbox!.Pending == 0 && s.Outbox.LastSequence > before.Outbox!.LastSequence + 10, "later results stored through replica b");
        await agent.StopAsync();

        var stored = b.Services.GetRequiredService<CoordinatorRepository>().Results.Sequences("agent-1");
        Assert.Equal(Enumerable.Range(1, (int)stored[^1]).Select(i => (long)i), stored);
        Assert.True(stored[^1] >= after.Outbox!.LastSequence, "everything the agent numbered is stored, once");
        Assert.Equal(0, after.Outbox.Dropped);
        await b.StopAsync();
    }

    [Fact]
    public async Task SeveralCoordinatorAddresses_FirstDown_AgentUsesTheNext_AndFailsOverWhenItsCoordinatorStops()
    {
        var (first, second) = (LoopbackPort.Free(), LoopbackPort.Free());
        await using var b = Coordinator(second, data: "b");
        await b.StartAsync();
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "failover",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{first}, http://127.0.0.1:{second}",
            ["Agent:Coordinator:AgentId"] = "agent-1",
            ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
            ["Agent:Coordinator:ReconnectMaxSeconds"] = "1",
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));
        await agent.StartAsync();

        // The first address answers nothing: the agent moves on to the second and registers there.
        var onSecond = await Status(s => s.Coordinator is { Connected: true }, "agent connected to the second address");
        Assert.Equal($"http://127.0.0.1:{second}", onSecond.Coordinator!.Address);
        Assert.Single(b.Services.GetRequiredService<CoordinatorRepository>().Agents.List());

        // The first coordinator comes up and the second stops: the agent goes over to the first.
        await using var a = Coordinator(first, data: "a");
        await a.StartAsync();
        await b.StopAsync();
        var onFirst = await Status(s => s.Coordinator is { Connected: true, Address: var address } && address.EndsWith($":{first}", StringComparison.Ordinal), "agent failed over to the first address");
        Assert.True(onFirst.Coordinator!.Connected);
        Assert.Single(a.Services.GetRequiredService<CoordinatorRepository>().Agents.List());
        await agent.StopAsync();
        agent.Dispose();

        var log = string.Join("\n", Directory.GetFiles(Path.Combine(_dir, "agent", "logs")).Select(File.ReadAllText));
        Assert.Contains($"Cannot reach the coordinator http://127.0.0.1:{first}", log, StringComparison.Ordinal);
        Assert.Contains($"Connected to the coordinator http://127.0.0.1:{second}", log, StringComparison.Ordinal);
        Assert.Contains($"Connected to the coordinator http://127.0.0.1:{first}", log, StringComparison.Ordinal);
        await a.StopAsync();
    }

    [Fact]
    public async Task WrongToken_IsRefusedUnauthenticated_AndNothingIsStored()
    {
        var port = LoopbackPort.Free();
        await using var coordinator = Coordinator(port, token: "right-token-0123456789");
        await coordinator.StartAsync();
        using var agent = AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:Site"] = "auth",
            ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
            ["Agent:Ingest:MqttEnabled"] = "false",
            ["Agent:Ingest:TailDirectory"] = _dir,
            ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{port}",
            ["Agent:Coordinator:AgentId"] = "agent-1",
            ["Agent:Coordinator:Token"] = "wrong-token",
            ["Agent:Logging:ConsoleLevel"] = "None",
        }));

        await agent.StartAsync();
        var status = await Status(s => s.Coordinator is { LastError: not null }, "the refusal");
        await agent.StopAsync();

        Assert.False(status.Coordinator!.Connected);
        Assert.Contains("Unauthenticated", status.Coordinator.LastError, StringComparison.Ordinal);
        Assert.Empty(coordinator.Services.GetRequiredService<CoordinatorRepository>().Results.Sequences("agent-1"));
        var logs = string.Join("\n", Directory.GetFiles(Path.Combine(_dir, "agent", "logs")).Select(File.ReadAllText));
        Assert.DoesNotContain("wrong-token", logs, StringComparison.Ordinal);
    }
}
