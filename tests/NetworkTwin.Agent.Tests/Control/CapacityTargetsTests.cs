using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Control;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Tests.Control;

/// <summary>The default actuator with real hook scripts, and the effect the agent measures after a change.</summary>
public sealed class CapacityTargetsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-actuator-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly LinkReport[] Links = [Link(1, [1, 5], mean: 2, peak: 6), Link(2, [2, 6], mean: 1, peak: 3)];

    private static LinkReport Link(int id, int[] cells, double mean, double peak) =>
        new(id, cells, peak, peak, peak, mean, null, peak, peak, 0, 1, "symbol");

    private (CapacityTargets Targets, AgentOptions Options) Create(string? hookBody = null)
    {
        var options = new AgentOptions { DataDirectory = _dir };
        options.Actuator.Installed["1"] = 4;
        options.Actuator.EffectWindows = 2;
        options.Actuator.HookTimeoutSeconds = 5;
        if (hookBody is not null && !OperatingSystem.IsWindows())
        {
            var hook = Path.Combine(_dir, "hook.sh");
            File.WriteAllText(hook, "#!/bin/sh\n" + hookBody + "\n");
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.Actuator.HookScript = hook;
        }

        var wrapped = Options.Create(options);
        return (new CapacityTargets(wrapped, new FileHookActuator(wrapped), NullLogger<CapacityTargets>.Instance), options);
    }

    [Fact]
    public void Apply_WritesTheTargetsFileRunsTheHook_AndARestartKeepsTheTarget()
    {
        var (targets, options) = Create("echo \"set $1 to $2 ($NETWORKTWIN_PREVIOUS_GBPS before)\"");
        Assert.Equal(4, targets.TargetGbps(1));
        Assert.Null(targets.TargetGbps(2));

        var detail = targets.Apply(12, new CapacityTarget { LinkId = 1, Cells = { 5, 1 }, CapacityGbps = 7.5, DecisionId = 3 }, Links);

        Assert.Contains("link 1 capacity target 4 -> 7.5 Gbit/s", detail, StringComparison.Ordinal);
        Assert.Contains("exited 0: set 1 to 7.5 (4 before)", detail, StringComparison.Ordinal);
        Assert.Equal(7.5, targets.TargetGbps(1));
        var again = new CapacityTargets(Options.Create(options), new FileHookActuator(Options.Create(options)), NullLogger<CapacityTargets>.Instance);
        Assert.Equal(7.5, again.TargetGbps(1));
        Assert.Equal((12L, 3L), (again.All[0].CommandId, again.All[0].DecisionId));
    }

    [Fact]
    public void HookThatFails_RefusesTheChange_AndThePreviousTargetsStay()
    {
        var (targets, options) = Create("echo 'port 7 is locked by maintenance' >&2; exit 3");

        var ex = Assert.Throws<InvalidDataException>(() => targets.Apply(12, new CapacityTarget { LinkId = 1, CapacityGbps = 7.5 }, Links));

        Assert.Contains("exited 3: port 7 is locked by maintenance", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, targets.TargetGbps(1));
        Assert.False(File.Exists(options.ResolvedTargetsFile));
    }

    [Fact]
    public void HookThatHangs_IsStoppedAtItsTimeout_AndRefusesTheChange()
    {
        var (targets, _) = Create("sleep 30");

        var ex = Assert.Throws<InvalidDataException>(() => targets.Apply(12, new CapacityTarget { LinkId = 1, CapacityGbps = 7.5 }, Links));

        Assert.Contains("ran past 5 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, targets.TargetGbps(1));
    }

    [Theory]
    [InlineData(3, new[] { 1, 5 }, 7.5, "has no link 3")]
    [InlineData(1, new[] { 1, 9 }, 7.5, "the picture changed")]
    [InlineData(1, new int[0], double.NaN, "is not a capacity")]
    [InlineData(1, new int[0], -2, "is not a capacity")]
    [InlineData(0, new int[0], 2, "link ids start at 1")]
    public void CommandsThatDoNotFit_AreRefusedWithTheReason(int link, int[] cells, double gbps, string reason)
    {
        var (targets, _) = Create();
        var command = new CapacityTarget { LinkId = link, CapacityGbps = gbps };
        command.Cells.AddRange(cells);

        var ex = Assert.Throws<InvalidDataException>(() => targets.Apply(12, command, Links));

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, targets.TargetGbps(1));
    }

    [Fact]
    public void Effect_IsReportedAfterTheConfiguredWindows_FromWindowsTakenAfterTheChange()
    {
        var (targets, _) = Create();
        targets.Apply(12, new CapacityTarget { LinkId = 1, CapacityGbps = 8, DecisionId = 3 }, Links);
        var loss = new Dictionary<int, double> { [1] = 0.4 };

        Assert.Empty(targets.Observe(DateTimeOffset.UtcNow.AddSeconds(-5), Links, loss));
        Assert.Empty(targets.Observe(DateTimeOffset.UtcNow.AddSeconds(1), Links, loss));
        var effect = Assert.Single(targets.Observe(DateTimeOffset.UtcNow.AddSeconds(2), Links, new Dictionary<int, double> { [1] = 1.2 }));

        Assert.Equal((12L, 3L, 1, 8.0, 2), (effect.CommandId, effect.DecisionId, effect.LinkId, effect.CapacityGbps, effect.Windows));
        Assert.Equal((1.2, 0.8), (effect.LossPercent, effect.MeanLossPercent));
        Assert.Equal(0.25, effect.MeanUtilisation);
        Assert.Empty(targets.Observe(DateTimeOffset.UtcNow.AddSeconds(3), Links, loss));
    }
}
