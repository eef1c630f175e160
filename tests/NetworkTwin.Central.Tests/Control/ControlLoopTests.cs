using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkTwin.Central.Control;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Control;

/// <summary>
/// The control loop on a real SQLite repository; the agent's side (its results and acknowledgements)
/// is written to the repository the way the sync service stores them.
/// </summary>
public sealed class ControlLoopTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nt-control-").FullName;
    private readonly SqliteRepository _repository;
    private long _sequence;

    public ControlLoopTests()
    {
        _repository = new SqliteRepository(Path.Combine(_directory, "twin.db"));
        _repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "north", Version = "1" });
    }

    public void Dispose()
    {
        _repository.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private ControlLoop Loop(ControlOptions? options = null) =>
        new(_repository, options ?? new ControlOptions { SettleSeconds = 0 }, new CommandSignal(), new NetworkTwin.Central.Replicas.SingletonLease(_repository, new NetworkTwin.Central.Replicas.ReplicaOptions(), new NetworkTwin.Central.Metrics.CoordinatorMetrics(), NullLogger<NetworkTwin.Central.Replicas.SingletonLease>.Instance, TimeProvider.System), NullLogger<ControlLoop>.Instance, TimeProvider.System);

    /// <summary>One window's sizing for link 2 (cells 1 and 5), as the agent reports it.</summary>
    private void ReportLink(double neededGbps, double targetGbps, double lossPercent = 0.2, double secondsAgo = 0) =>
        _repository.Results.Store("du-a", [new Result
        {
            Sequence = ++_sequence,
            ProducedUnixMs = DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToUnixTimeMilliseconds(),
            Link = new LinkCapacity { LinkId = 2, Cells = { 1, 5 }, CapacityGbps = neededGbps, MeanGbps = neededGbps / 2, PeakGbps = neededGbps * 1.5, ObservedLossPercent = lossPercent, BufferMicros = 143, LossTarget = 0.01, TargetGbps = targetGbps },
        }]);

    private void ReportEffect(long commandId, double lossPercent, double capacityGbps = 7) =>
        _repository.Results.Store("du-a", [new Result
        {
            Sequence = ++_sequence,
            ProducedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Effect = new ControlEffect { CommandId = commandId, LinkId = 2, CapacityGbps = capacityGbps, Windows = 3, LossPercent = lossPercent, MeanLossPercent = lossPercent / 2, MeanUtilisation = 0.5, LossTarget = 0.01 },
        }]);

    [Fact]
    public async Task CostlyRaise_IsHeldUntilApproved_ThenSentAppliedAndConfirmed_AllInTheAuditTrail()
    {
        var loop = Loop();
        ReportLink(neededGbps: 6.2, targetGbps: 4);
        Assert.Equal(1, await loop.RunOnceAsync(CancellationToken.None));

        // 6.2 needed + 10% headroom, in 0.5 steps = 7; +3 Gbit/s at 100 per month is above the 200 the policy applies alone.
        var decision = Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Equal(("held", "raise-capacity", 4.0, 7.0, 300.0), (decision.State, decision.Action, decision.FromGbps, decision.ToGbps, decision.CostDeltaPerMonth));
        Assert.Contains("needs 6.20 Gbit/s, above its target 4", decision.Justification, StringComparison.Ordinal);
        Assert.Contains("its worst recent window needs 6.20 Gbit/s", decision.Justification, StringComparison.Ordinal);
        Assert.Contains($"networktwin approve|reject {decision.DecisionId}", decision.Policy, StringComparison.Ordinal);
        Assert.Empty(_repository.Commands.List(null, 10));

        // Nothing more while it is held, however often the link reports.
        ReportLink(6.3, 4);
        Assert.Equal(0, await loop.RunOnceAsync(CancellationToken.None));

        var approved = await loop.DecideAsync(decision.DecisionId, approve: true, "ana", "peak season", CancellationToken.None);
        Assert.Equal("sent", approved.State);
        var command = Assert.Single(_repository.Commands.List(null, 10)).Command;
        Assert.Equal((approved.CommandId, 2, 7.0, decision.DecisionId), (command.CommandId, command.Capacity.LinkId, command.Capacity.CapacityGbps, command.Capacity.DecisionId));
        Assert.Equal([1, 5], command.Capacity.Cells);
        var again = await Assert.ThrowsAsync<RpcException>(() => loop.DecideAsync(decision.DecisionId, approve: false, "bob", "no", CancellationToken.None));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);

        _repository.Commands.Acknowledge("du-a", command.CommandId, applied: true, "link 2 capacity target 4 -> 7 Gbit/s; wrote targets file");
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Equal("applied", _repository.Decisions.ById(decision.DecisionId)!.State);

        ReportEffect(command.CommandId, lossPercent: 0.6);
        await loop.RunOnceAsync(CancellationToken.None);
        var confirmed = _repository.Decisions.ById(decision.DecisionId)!;
        Assert.Equal("confirmed", confirmed.State);
        Assert.Equal(0.6, confirmed.EffectLossPercent);

        var trail = _repository.Decisions.AuditTrail(decision.DecisionId, 100);
        Assert.Equal(
            [("coordinator", "proposed"), ("policy", "held for approval"), ("operator:ana", "approved"), ("coordinator", "sent"), ("agent:du-a", "applied"), ("agent:du-a", "effect measured"), ("policy", "confirmed")],
            trail.Select(e => (e.Actor, e.Event)));
        Assert.Equal("peak season", trail[2].Detail);
    }

    [Fact]
    public async Task CheapRaise_IsAppliedByThePolicyAlone()
    {
        var loop = Loop();
        ReportLink(neededGbps: 4.4, targetGbps: 4);
        await loop.RunOnceAsync(CancellationToken.None);

        var decision = Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Equal(("sent", 5.0, 100.0), (decision.State, decision.ToGbps, decision.CostDeltaPerMonth));
        Assert.Equal(["proposed", "auto-approved", "sent"], _repository.Decisions.AuditTrail(decision.DecisionId, 10).Select(e => e.Event));
    }

    [Fact]
    public async Task DecreaseThatBreaksTheLossTarget_IsRolledBackAutomatically()
    {
        var loop = Loop(new ControlOptions { AutoApplyDecreases = true, SettleSeconds = 0 });
        ReportLink(neededGbps: 6.2, targetGbps: 20);
        await loop.RunOnceAsync(CancellationToken.None);
        var lower = Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Equal(("lower-capacity", "sent", 20.0, 7.0, -1300.0), (lower.Action, lower.State, lower.FromGbps, lower.ToGbps, lower.CostDeltaPerMonth));

        _repository.Commands.Acknowledge("du-a", lower.CommandId, applied: true, "done");
        await loop.RunOnceAsync(CancellationToken.None);
        ReportEffect(lower.CommandId, lossPercent: 2.5, capacityGbps: 7);
        await loop.RunOnceAsync(CancellationToken.None);

        var rolledBack = _repository.Decisions.ById(lower.DecisionId)!;
        Assert.Equal("rolled-back", rolledBack.State);
        Assert.StartsWith("violated:", rolledBack.Outcome, StringComparison.Ordinal);
        var rollback = _repository.Decisions.List(null, 10)[0];
        Assert.Equal(("rollback", "sent", 7.0, 20.0, lower.DecisionId), (rollback.Action, rollback.State, rollback.FromGbps, rollback.ToGbps, rollback.RollbackOf));
        Assert.Equal(20.0, _repository.Commands.List(null, 1)[0].Command.Capacity.CapacityGbps);
        Assert.Equal(
            ["proposed", "auto-approved", "sent", "applied", "effect measured", "violated", "rolled back"],
            _repository.Decisions.AuditTrail(lower.DecisionId, 100).Select(e => e.Event));
    }

    [Fact]
    public async Task RejectedProposal_IsNotMadeAgainWhileTheLinkStaysTheSame()
    {
        var loop = Loop();
        ReportLink(neededGbps: 6.2, targetGbps: 4);
        await loop.RunOnceAsync(CancellationToken.None);
        var decision = Assert.Single(_repository.Decisions.List(null, 10));
        var rejected = await loop.DecideAsync(decision.DecisionId, approve: false, "ana", "budget frozen", CancellationToken.None);
        Assert.Equal("rejected", rejected.State);

        ReportLink(6.2, 4);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Empty(_repository.Commands.List(null, 10));

        // A link that needs more than what was rejected is proposed again.
        ReportLink(8.1, 4);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Equal(9.0, _repository.Decisions.List(null, 10)[0].ToGbps);
    }

    [Fact]
    public async Task ConfirmedChange_IsNotLoweredAgainWithinTheHoldTime()
    {
        var loop = Loop(new ControlOptions { AutoApplyDecreases = true, SettleSeconds = 0 });
        ReportLink(neededGbps: 4.4, targetGbps: 4);
        await loop.RunOnceAsync(CancellationToken.None);
        var raise = Assert.Single(_repository.Decisions.List(null, 10));
        _repository.Commands.Acknowledge("du-a", raise.CommandId, applied: true, "done");
        await loop.RunOnceAsync(CancellationToken.None);
        ReportEffect(raise.CommandId, lossPercent: 0.1, capacityGbps: 5);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Equal("confirmed", _repository.Decisions.ById(raise.DecisionId)!.State);

        // The traffic falls right after: lowering now would thrash, so it waits for the hold time.
        await Task.Delay(5);
        ReportLink(neededGbps: 1, targetGbps: 5);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Single(_repository.Decisions.List(null, 10));

        // A raise is never held back.
        ReportLink(neededGbps: 6, targetGbps: 5);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Equal("raise-capacity", _repository.Decisions.List(null, 10)[0].Action);
    }

    [Fact]
    public async Task EffectThatCannotBeJudged_LeavesTheDecisionUnverified_WithoutRollback()
    {
        var loop = Loop(new ControlOptions { AutoApplyDecreases = true, SettleSeconds = 0 });
        ReportLink(neededGbps: 6.2, targetGbps: 20);
        await loop.RunOnceAsync(CancellationToken.None);
        var lower = Assert.Single(_repository.Decisions.List(null, 10));
        _repository.Commands.Acknowledge("du-a", lower.CommandId, applied: true, "done");
        await loop.RunOnceAsync(CancellationToken.None);

        ReportEffect(lower.CommandId, lossPercent: double.NaN);
        await loop.RunOnceAsync(CancellationToken.None);

        Assert.Equal("unverified", _repository.Decisions.ById(lower.DecisionId)!.State);
        Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Equal("effect unusable", _repository.Decisions.AuditTrail(lower.DecisionId, 10)[^1].Event);
    }

    [Fact]
    public async Task ALinksFirstWindows_CountForNothing_TheSizingOfAPartialWindowIsNotItsNeed()
    {
        var loop = Loop(new ControlOptions { SettleSeconds = 30 });
        ReportLink(neededGbps: 1413, targetGbps: 40, secondsAgo: 50);
        ReportLink(neededGbps: 45, targetGbps: 40, secondsAgo: 10);
        ReportLink(neededGbps: 44, targetGbps: 40);

        await loop.RunOnceAsync(CancellationToken.None);

        var decision = Assert.Single(_repository.Decisions.List(null, 10));
        Assert.Equal((45.0, 50.0), (decision.NeededGbps, decision.ToGbps));
    }

    [Fact]
    public async Task RefusedCommand_ClosesTheDecisionWithTheAgentsReason()
    {
        var loop = Loop();
        ReportLink(neededGbps: 4.4, targetGbps: 4);
        await loop.RunOnceAsync(CancellationToken.None);
        var decision = Assert.Single(_repository.Decisions.List(null, 10));
        _repository.Commands.Acknowledge("du-a", decision.CommandId, applied: false, "hook shaper.sh exited 2: port busy");
        await loop.RunOnceAsync(CancellationToken.None);

        var refused = _repository.Decisions.ById(decision.DecisionId)!;
        Assert.Equal("refused", refused.State);
        Assert.Contains("port busy", refused.Outcome, StringComparison.Ordinal);
        Assert.Equal(("agent:du-a", "refused"), _repository.Decisions.AuditTrail(decision.DecisionId, 10).Select(e => (e.Actor, e.Event)).Last());
    }

    [Fact]
    public async Task StaleOrHealthyLinks_GetNoDecision()
    {
        var loop = Loop();
        ReportLink(neededGbps: 3.5, targetGbps: 4);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Empty(_repository.Decisions.List(null, 10));

        _repository.Results.Store("du-a", [new Result { Sequence = ++_sequence, ProducedUnixMs = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), Link = new LinkCapacity { LinkId = 3, CapacityGbps = 9, TargetGbps = 4, LossTarget = 0.01 } }]);
        await loop.RunOnceAsync(CancellationToken.None);
        Assert.Empty(_repository.Decisions.List(null, 10));
    }
}
