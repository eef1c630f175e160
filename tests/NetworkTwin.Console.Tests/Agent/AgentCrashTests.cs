using System.Globalization;
using Microsoft.Data.Sqlite;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Console.Agent;
using NetworkTwin.Mqtt;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Telemetry.Scenario;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Console.Tests.Agent;

/// <summary>The real agent process, killed with SIGKILL mid-stream and started again on the same data directory.</summary>
public sealed class AgentCrashTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private List<long> Sequences()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir, "agent", "outbox.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence FROM outbox ORDER BY sequence";
        using var reader = command.ExecuteReader();
        var list = new List<long>();
        while (reader.Read())
        {
            list.Add(reader.GetInt64(0));
        }

        return list;
    }

    [Fact]
    public async Task KillNine_MidStream_OutboxKeepsEveryResultAndNumberingContinues()
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 8, Links = 2, CellsPerRu = 2, DurationSeconds = 6, Seed = 3 });
        var capture = Path.Combine(_dir, "capture");
        await ScenarioWriter.WriteAsync(scenario, capture, null, default);
        var source = await ReplaySource.LoadAsync(capture, null, default);
        await using var broker = await MosquittoBroker.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Agent:Site"] = "crash",
            ["Agent:Window:EvaluateEverySeconds"] = "0.5",
            ["Agent:Logging:ConsoleLevel"] = "Warning",
        };
        var agentPath = AgentProcess.Locate(null);
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "crash-replayer", CleanSession = true });
        publisher.Start();

        var first = AgentProcess.Start(agentPath, Path.Combine(_dir, "agent"), settings);
        await first.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected", TimeSpan.FromSeconds(30), default);
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "crash", Speed = 0, Binary = true }, null, default);
        var before = await first.WaitForStatusAsync(s => s.Outbox is { LastSequence: >= 20 }, "results in the outbox", TimeSpan.FromSeconds(60), default);
        await first.KillAsync();
        await first.DisposeAsync();
        var survived = Sequences();

        await using var second = AgentProcess.Start(agentPath, Path.Combine(_dir, "agent"), settings);
        await second.WaitForStatusAsync(s => s.Broker is { Connected: true }, "connected again", TimeSpan.FromSeconds(30), default);
        await TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "crash", Speed = 0, Binary = true }, null, default);
        await second.WaitForStatusAsync(s => s.Outbox!.LastSequence > survived[^1], "new results after the restart", TimeSpan.FromSeconds(60), default);
        var after = Sequences();

        Assert.True(survived.Count >= before.Outbox!.Pending, "everything the status reported before the kill is still in the outbox");
        Assert.Equal(survived, after.Take(survived.Count));
        Assert.Equal(after.Distinct().Count(), after.Count);
        Assert.True(after.Skip(survived.Count).All(s => s > survived[^1]), "numbering continues after the last sequence given before the crash");
    }
}
