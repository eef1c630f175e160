using System.Globalization;
using System.Text;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetworkTwin.Agent.Hosting;
using NetworkTwin.Agent.Sync;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Lab.Fuzz;

namespace NetworkTwin.Agent.Tests.Fuzz;

/// <summary>
/// The fuzzer (<see cref="FuzzRunner"/>, as <c>networktwin-lab fuzz</c> runs it) on the agent's own inputs, which the
/// lab tool cannot reach because it does not link the agent: the coordinator's commands as the agent applies them
/// (protobuf, through the real <see cref="CommandApplier"/> of a built agent) and the coordinator-settings.json it
/// reloads at start. A short run is part of the tests; <c>NT_FUZZ_EXECUTIONS=1000000</c> makes it a full one.
/// </summary>
public sealed class AgentInputsFuzzTests : IDisposable
{
    private static readonly Type[] Refusals = [typeof(InvalidDataException)];
    private static readonly string[] SettingsTokens = ["Agent:Analysis:", "LossTarget", "Pins:", "\":\"", "null", "1e999", "-1", "NaN"];
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-agent-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SettingsFile_MutatedInput_IsRefusedCleanlyOrAccepted()
    {
        var configuration = new ConfigurationBuilder().Build();
        var target = new FuzzTarget(
            "agent-settings-file",
            "coordinator-settings.json, the settings the coordinator set, reloaded at start",
            () => [Encoding.UTF8.GetBytes("""{"Agent:Analysis:LossTarget":"0.001","Agent:Analysis:Pins:3":"2"}"""), Encoding.UTF8.GetBytes("{}")],
            input => _ = CommandApplier.Proposed(configuration, CommandApplier.ParseRemoteSettings(input, "coordinator-settings.json")),
            Refusals)
        { Dictionary = [.. SettingsTokens.Select(Encoding.UTF8.GetBytes)] };

        Run(target);
    }

    /// <summary>
    /// The full run's finding (1 in 1,000,000): a setting sent again in another case ("LossTArget" after "LossTarget")
    /// threw ArgumentException out of the applier, which stopped the agent's command stream. It is one setting.
    /// </summary>
    [Fact]
    public void Command_SettingSentAgainInAnotherCase_ReplacesTheFirst()
    {
        using var agent = BuildAgent();
        var applier = agent.Services.GetRequiredService<CommandApplier>();

        var first = applier.Apply(new Command { AgentId = "fuzz", CommandId = 1, Reason = "test", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "0.002" } } }).Ack;
        var second = applier.Apply(new Command { AgentId = "fuzz", CommandId = 2, Reason = "test", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTArget"] = "0.003" } } }).Ack;
        var kept = CommandApplier.LoadRemoteSettings(_dir);

        Assert.True(first.Applied && second.Applied, first.Detail + " / " + second.Detail);
        Assert.Equal("0.003", Assert.Single(kept).Value);
        Assert.Equal(0.003, CommandApplier.Proposed(new ConfigurationBuilder().Build(), kept).Analysis.LossTarget);
    }

    [Fact]
    public void Command_MutatedInput_IsAppliedOrRefusedWithAReason()
    {
        using var agent = BuildAgent();
        var applier = agent.Services.GetRequiredService<CommandApplier>();
        var next = 0L;
        var target = new FuzzTarget(
            "agent-command",
            "a command from the coordinator (protobuf), applied by the agent",
            () =>
            [
                new Command { AgentId = "fuzz", CommandId = 1, Reason = "seed", Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "0.002" } } }.ToByteArray(),
                new Command { AgentId = "fuzz", CommandId = 2, Reason = "seed", Capacity = new CapacityTarget { LinkId = 1, CapacityGbps = 25 } }.ToByteArray(),
                new Command { AgentId = "fuzz", CommandId = 3, Reason = "seed", Model = new ModelUpdate { Name = "load", Version = 2, Onnx = ByteString.CopyFromUtf8("x"), Sha256 = new string('0', 64) } }.ToByteArray(),
            ],
            input =>
            {
                Command command;
                try
                {
                    command = Command.Parser.ParseFrom(input);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new InvalidDataException(ex.Message, ex);
                }

                // A fresh id each time, so every input is applied rather than recognised as seen.
                command.CommandId = ++next;
                var ack = applier.Apply(command).Ack;
                if (!ack.Applied && string.IsNullOrWhiteSpace(ack.Detail))
                {
                    throw new InvalidOperationException("refused without a reason");
                }
            },
            Refusals);

        Run(target);
    }

    private IHost BuildAgent() => AgentHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Agent:DataDirectory"] = _dir,
        ["Agent:Ingest:MqttEnabled"] = "false",
        ["Agent:Ingest:TailDirectory"] = _dir,
        ["Agent:Logging:ConsoleLevel"] = "None",
    }));

    private static void Run(FuzzTarget target)
    {
        var full = long.TryParse(Environment.GetEnvironmentVariable("NT_FUZZ_EXECUTIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var executions);
        var report = FuzzRunner.Run(target, full
            ? new FuzzLimits { MaxExecutions = executions, MaxTime = TimeSpan.FromMinutes(10), Seed = 7 }
            : new FuzzLimits { MaxTime = TimeSpan.FromSeconds(1.5), MaxExecutions = 50_000, Seed = 7 });
        if (full)
        {
            global::System.Console.WriteLine($"{target.Name}: {report.Executions:N0} executions in {report.Elapsed.TotalSeconds:F0} s ({report.PerSecond:N0}/s), {report.Refused:N0} refused, {report.Accepted:N0} accepted, slowest {report.SlowestMs:F1} ms, {report.Findings.Count} finding(s)");
        }

        Assert.True(report.Executions > 100, $"{target.Name}: only {report.Executions} executions");
        Assert.True(report.Findings.Count == 0, string.Join(Environment.NewLine, report.Findings.Select(f => $"{f.Kind}: {f.Detail} (input {Convert.ToBase64String(f.Input)})")));
    }
}
