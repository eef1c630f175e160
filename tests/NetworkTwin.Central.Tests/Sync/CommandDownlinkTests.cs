using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>Commands from an operator reach the agent over the downlink, are applied once, acknowledged, and survive restarts on both sides.</summary>
public sealed class CommandDownlinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-cmd-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private Microsoft.AspNetCore.Builder.WebApplication Coordinator(int port) => CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Coordinator:DataDirectory"] = Path.Combine(_dir, "central"),
        ["Logging:LogLevel:Default"] = "Warning",
    }));

    private IHost Agent(int port) => AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Agent:Site"] = "cmd",
        ["Agent:DataDirectory"] = Path.Combine(_dir, "agent"),
        ["Agent:Ingest:MqttEnabled"] = "false",
        ["Agent:Ingest:TailDirectory"] = _dir,
        ["Agent:Coordinator:Address"] = $"http://127.0.0.1:{port}",
        ["Agent:Coordinator:AgentId"] = "du-1",
        ["Agent:Coordinator:ReconnectMinSeconds"] = "0.2",
        ["Agent:Coordinator:ReconnectMaxSeconds"] = "1",
        ["Agent:Logging:ConsoleLevel"] = "None",
    }));

    private static async Task<CommandRecord> Outcome(GrpcChannel channel, long id)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var record = (await channel.Operators().ListCommandsAsync(new ListCommandsRequest { AgentId = "du-1" })).Commands.Single(c => c.Command.CommandId == id);
            if (record.State != "pending")
            {
                return record;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"command {id} was never acknowledged");
        return null!;
    }

    private static async Task<long> Send(GrpcChannel channel, Command command)
    {
        command.AgentId = "du-1";
        return (await channel.Operators().SendCommandAsync(new SendCommandRequest { Command = command })).Command.CommandId;
    }

    private static Command Update(long version, byte[] onnx) =>
        new() { Reason = "test", Model = new ModelUpdate { Name = "load", Version = version, Onnx = ByteString.CopyFrom(onnx), Sha256 = Convert.ToHexString(SHA256.HashData(onnx)) } };

    [Fact]
    public async Task Commands_AreAppliedOnceAcknowledged_AndRefusedWithTheReasonWhenInvalid()
    {
        var port = LoopbackPort.Free();
        var coordinator = Coordinator(port);
        await coordinator.StartAsync();
        using var channel = CoordinatorClients.Channel(port);
        var agent = Agent(port);
        await agent.StartAsync();
        var clock = Stopwatch.StartNew();
        while ((await channel.Operators().ListAgentsAsync(new ListAgentsRequest())).Agents.Count == 0 && clock.Elapsed.TotalSeconds < 30)
        {
            await Task.Delay(100);
        }

        var good = await Send(channel, new Command { Reason = "test", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "0.001" } } });
        var notRemote = await Send(channel, new Command { Reason = "test", Configure = new ConfigurationChange { Settings = { ["Agent:Window:Seconds"] = "4" } } });
        var invalid = await Send(channel, new Command { Reason = "test", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "7" } } });
        // A real forecast model for this agent's 2 s evaluations; then a tampered copy, one for another step, and bytes that are no model.
        var onnx = Training.TestModels.Forecast(stepSeconds: 2, version: 3);
        var model = await Send(channel, Update(3, onnx));
        var tampered = await Send(channel, new Command { Reason = "test", Model = new ModelUpdate { Name = "load", Version = 4, Onnx = ByteString.CopyFrom(onnx), Sha256 = new string('0', 64) } });
        var otherStep = await Send(channel, Update(5, Training.TestModels.Forecast(stepSeconds: 300, version: 5)));
        var notAModel = await Send(channel, Update(6, [8, 7, 18, 4, 116, 101, 115, 116]));

        Assert.Equal("applied", (await Outcome(channel, good)).State);
        var refused = await Outcome(channel, notRemote);
        Assert.Equal("refused", refused.State);
        Assert.Contains("Agent:Window:Seconds", refused.Detail, StringComparison.Ordinal);
        var outOfRange = await Outcome(channel, invalid);
        Assert.Equal("refused", outOfRange.State);
        Assert.Contains("LossTarget", outOfRange.Detail, StringComparison.Ordinal);
        Assert.Equal("applied", (await Outcome(channel, model)).State);
        Assert.Equal("refused", (await Outcome(channel, tampered)).State);
        var step = await Outcome(channel, otherStep);
        Assert.Equal("refused", step.State);
        Assert.Contains("evaluates every 2 s", step.Detail, StringComparison.Ordinal);
        var garbage = await Outcome(channel, notAModel);
        Assert.Equal("refused", garbage.State);
        Assert.Contains("networktwin.kind", garbage.Detail, StringComparison.Ordinal);
        Assert.Equal(onnx, await File.ReadAllBytesAsync(Path.Combine(_dir, "agent", "models", "load-v3.onnx")));
        Assert.False(File.Exists(Path.Combine(_dir, "agent", "models", "load-v4.onnx")));
        Assert.False(File.Exists(Path.Combine(_dir, "agent", "models", "load-v5.onnx")));

        // The refused models left v3 in use (as the agent's status file says).
        var status = Path.Combine(_dir, "agent", NetworkTwin.Contracts.Status.AgentStatusDocument.FileName);
        NetworkTwin.Contracts.Status.ForecastStatus? forecast = null;
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    forecast = JsonSerializer.Deserialize<NetworkTwin.Contracts.Status.AgentStatusDocument>(await File.ReadAllTextAsync(status), NetworkTwin.Contracts.Status.AgentStatusDocument.JsonOptions)?.Forecast;
                }
                catch (IOException)
                {
                    // Between the writer's rename and our read: try again.
                }

                return forecast is { ModelVersion: 3 };
            },
            "the agent's status names model v3",
            seconds: 10,
            everyMilliseconds: 200);

        Assert.Equal("load", forecast?.ModelName);
        Assert.Equal(3, forecast?.ModelVersion);
        var kept = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(Path.Combine(_dir, "agent", "coordinator-settings.json")))!;
        Assert.Equal("0.001", kept["Agent:Analysis:LossTarget"]);

        // A command issued while the agent is down is delivered when it is back; the coordinator restarts in between too.
        await agent.StopAsync();
        agent.Dispose();
        await coordinator.StopAsync();
        await coordinator.DisposeAsync();
        await using var again = Coordinator(port);
        await again.StartAsync();
        var later = await Send(channel, new Command { Reason = "while away", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:BufferMicros"] = "200" } } });
        using var back = Agent(port);
        await back.StartAsync();
        Assert.Equal("applied", (await Outcome(channel, later)).State);
        await back.StopAsync();
        var all = (await channel.Operators().ListCommandsAsync(new ListCommandsRequest())).Commands;
        Assert.Equal(8, all.Count);
        Assert.DoesNotContain(all, c => c.State == "pending");
    }
}
