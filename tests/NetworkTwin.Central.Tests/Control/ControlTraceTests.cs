using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Mqtt.Client;
using NetworkTwin.Telemetry.Replay;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;
using NetworkTwin.Testing.Otlp;

namespace NetworkTwin.Central.Tests.Control;

/// <summary>
/// Traces across the agent and the coordinator, exported over OTLP to a real gRPC receiver: the agent's uplink batch,
/// the coordinator storing it, the control decision made from it, the command that carries it out and the agent
/// applying that command are one trace, each span the child of the one before, although the context crosses two
/// long-lived streams and a database row on the way.
/// </summary>
public sealed class ControlTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-trace-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AppliedDecision_IsOneTrace_FromTheAgentsBatchToTheAgentApplyingItsCommand()
    {
        var (_, source) = await LoopbackTwin.CaptureAsync(_dir, new ScenarioSpec { Cells = 4, Links = 2, CellsPerRu = 2, DurationSeconds = 30, Seed = 5 });
        await using var collector = await OtlpTraceCollector.StartAsync();
        await using var broker = await MosquittoBroker.StartAsync();
        var port = LoopbackPort.Free();
        var central = LoopbackTwin.Coordinator(_dir, port, 0);
        central["Coordinator:Learning:EveryMinutes"] = "0";
        central["Coordinator:Control:EverySeconds"] = "0.5";
        central["Coordinator:Control:SettleSeconds"] = "2";
        central["Coordinator:Control:StepGbps"] = "0.1";
        central["Coordinator:Control:AutoApplyMaxCostPerMonth"] = "1000000";
        central["Telemetry:OtlpEndpoint"] = collector.Endpoint.ToString();
        var coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(central));
        await coordinator.StartAsync();
        var settings = LoopbackTwin.Agent(_dir, "du-trace", broker.Port, port, 0.25);
        settings["Agent:Ingest:Topics:0"] = "nt/lab/#";
        settings["Agent:Actuator:Installed:1"] = "0.01";
        settings["Agent:Actuator:Installed:2"] = "0.01";
        settings["Telemetry:OtlpEndpoint"] = collector.Endpoint.ToString();
        var agent = AgentHost.Build([], c => c.AddInMemoryCollection(settings));
        await agent.StartAsync();
        await using var publisher = new MqttClient(new MqttClientOptions { Port = broker.Port, ClientId = "trace-replayer", CleanSession = true });
        publisher.Start();
        await AgentStatusFile.WaitSubscribedAsync(Path.Combine(_dir, "du-trace"));
        using var stopReplay = new CancellationTokenSource();
        var replay = TelemetryReplayer.RunAsync(source, publisher, new ReplayOptions { Site = "lab", Speed = 1, Binary = true }, null, stopReplay.Token);

        // The links are provisioned far below their need: the policy raises one and the agent applies it.
        Decision applied = null!;
        using (var channel = CoordinatorClients.Channel(port))
        {
            await Poll.UntilAsync(
                async () =>
                {
                    var decisions = await channel.Operators().ListDecisionsAsync(new ListDecisionsRequest());
                    applied = decisions.Decisions.FirstOrDefault(d => d.State is "applied" or "confirmed" or "violated")!;
                    return applied is not null;
                },
                "a decision applied by the agent",
                seconds: 40,
                everyMilliseconds: 250);
        }

        await stopReplay.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => replay);

        // Stopping flushes what each service's exporter still holds.
        await agent.StopAsync();
        agent.Dispose();
        await coordinator.StopAsync();
        await coordinator.DisposeAsync();

        var spans = collector.Spans;
        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        // A command is sent again when the agent reconnects before its acknowledgement is stored; the agent marks that span as seen before.
        // The exporter listens to the process-wide activity source, so agents of tests running beside this one (with their own
        // command 1, 2, ...) reach this collector too: only this agent's spans count.
        var applies = spans.Where(s => s.Name == "apply command"
            && s.Attributes.GetValueOrDefault("networktwin.agent_id") == "du-trace"
            && s.Attributes.GetValueOrDefault("networktwin.command_id") == applied.CommandId.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var apply = Assert.Single(applies, s => s.Attributes.GetValueOrDefault("networktwin.seen_before") == "false");
        Assert.All(applies.Where(s => s != apply), s => Assert.Equal("true", s.Attributes["networktwin.seen_before"]));
        Assert.Equal(("networktwin-agent", "NetworkTwin.Agent", "true"), (apply.Service, apply.Scope, apply.Attributes["networktwin.applied"]));

        // Walk up from the agent applying the command to the batch the evidence came in.
        var chain = new List<CollectedSpan> { apply };
        while (chain[^1].ParentSpanId.Length > 0 && byId.TryGetValue(chain[^1].ParentSpanId, out var parent))
        {
            chain.Add(parent);
        }

        Assert.Equal(
            [("networktwin-agent", "apply command"), ("networktwin-central", "send command"), ("networktwin-central", "control decision"), ("networktwin-central", "store uplink batch"), ("networktwin-agent", "uplink batch")],
            chain.Select(s => (s.Service, s.Name)));
        Assert.All(chain, s => Assert.Equal(apply.TraceId, s.TraceId));
        Assert.Empty(chain[^1].ParentSpanId);
        Assert.Equal(applied.DecisionId.ToString(System.Globalization.CultureInfo.InvariantCulture), chain[2].Attributes["networktwin.decision_id"]);
        Assert.Equal("du-trace", chain[3].Attributes["networktwin.agent_id"]);
        Assert.Equal(applied.TraceParent.Split('-')[2], chain[2].SpanId);

        // The acknowledgement's call carries the agent's span in its headers: the coordinator's server span for it is in the trace too.
        Assert.Contains(spans, s => s.Service == "networktwin-central" && s.TraceId == apply.TraceId && s.Kind == 2 && s.Name.Contains("Acknowledge", StringComparison.Ordinal));
    }
}
