using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Hosting;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Control;

/// <summary>
/// The closed loop, one pass every <see cref="ControlOptions.EverySeconds"/>:
/// <list type="number">
/// <item>moves open decisions on: approved ones become <see cref="CapacityTarget"/> commands; the
///   agent's acknowledgement marks them applied or refused; its measured effect, compared with the
///   prediction, confirms them or shows a violation, and a violated decrease is rolled back;</item>
/// <item>proposes a change for every agent link whose fresh sizing and forecast call for one
///   (<see cref="ControlPlanner"/>), which the <see cref="GovernancePolicy"/> approves or holds
///   for an operator (<see cref="DecideAsync"/>).</item>
/// </list>
/// Every step is in the append-only audit trail. The repository holds all state, so a restarted
/// coordinator carries on where it stopped.
/// </summary>
internal sealed partial class ControlLoop(CoordinatorRepository repository, ControlOptions options, CommandSignal signal, Replicas.SingletonLease lease, ILogger<ControlLoop> logger, TimeProvider time) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The settings in force (Coordinator:Control).</summary>
    public ControlOptions Options => options;

    /// <summary>One pass; returns the decisions it made or moved on.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var moved = 0;
            foreach (var decision in repository.Decisions.List(DecisionState.Open, 10_000).Reverse())
            {
                moved += Advance(decision) ? 1 : 0;
            }

            if (options.EverySeconds > 0)
            {
                moved += Propose();
            }

            return moved;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An operator's approval or rejection of a held decision; an approved one is sent at once.</summary>
    public async Task<Decision> DecideAsync(long decisionId, bool approve, string who, string note, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var decision = repository.Decisions.ById(decisionId) ?? throw new RpcException(new Status(StatusCode.NotFound, $"there is no decision {decisionId}"));
            if (decision.State != DecisionState.Held)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"decision {decisionId} is {decision.State}; only held decisions can be approved or rejected"));
            }

            decision.State = approve ? DecisionState.Approved : DecisionState.Rejected;
            if (!repository.Decisions.Update(decision, DecisionState.Held))
            {
                throw new RpcException(new Status(StatusCode.Aborted, $"decision {decisionId} changed meanwhile; list it again"));
            }

            repository.Decisions.Audit(decisionId, "operator:" + who, approve ? "approved" : "rejected", note.Length > 0 ? note : "(no note)");
            Log.Decided(logger, decisionId, approve ? "approved" : "rejected", who, note);
            if (approve)
            {
                Send(decision);
            }

            return repository.Decisions.ById(decisionId)!;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(TimeSpan.FromSeconds(options.EverySeconds), time, lease.Only("control", RunOnceAsync), ex => Log.Failed(logger, ex.Message, ex), stoppingToken);

    private bool Advance(Decision decision)
    {
        switch (decision.State)
        {
            case DecisionState.Approved:
                Send(decision);
                return true;
            case DecisionState.Sent when repository.Commands.State(decision.CommandId) is { } command && command.State != "pending":
                var applied = command.State == "applied";
                decision.State = applied ? DecisionState.Applied : DecisionState.Refused;
                decision.Outcome = applied ? string.Empty : "refused by the agent: " + command.Detail;
                if (repository.Decisions.Update(decision, DecisionState.Sent))
                {
                    repository.Decisions.Audit(decision.DecisionId, "agent:" + decision.AgentId, applied ? "applied" : "refused", command.Detail);
                    if (!applied)
                    {
                        Log.Refused(logger, decision.DecisionId, decision.AgentId, command.Detail);
                    }
                }

                return true;
            case DecisionState.Applied when repository.Results.EffectOf(decision.AgentId, decision.CommandId) is { } effect:
                Verify(decision, effect);
                return true;
            case DecisionState.Applied when time.GetUtcNow().ToUnixTimeMilliseconds() - decision.UpdatedUnixMs > options.VerifyMinutes * 60_000:
                decision.State = DecisionState.Unverified;
                decision.Outcome = string.Create(CultureInfo.InvariantCulture, $"no measured effect within {options.VerifyMinutes} minutes of applying (is the agent evaluating link {decision.LinkId}?)");
                if (repository.Decisions.Update(decision, DecisionState.Applied))
                {
                    repository.Decisions.Audit(decision.DecisionId, "coordinator", "unverified", decision.Outcome);
                }

                return true;
            default:
                return false;
        }
    }

    private void Verify(Decision decision, ControlEffect effect)
    {
        if (!double.IsFinite(effect.LossPercent) || effect.LossPercent < 0 || effect.Windows < 1 || Math.Abs(effect.CapacityGbps - decision.ToGbps) > 1e-6)
        {
            // A report that cannot be judged proves nothing either way: no confirmation, and no rollback on its word.
            decision.State = DecisionState.Unverified;
            decision.Outcome = string.Create(CultureInfo.InvariantCulture, $"the agent's effect report cannot be judged (loss {effect.LossPercent}%, {effect.Windows} windows, at {effect.CapacityGbps} Gbit/s for a target of {decision.ToGbps})");
            if (repository.Decisions.Update(decision, DecisionState.Applied))
            {
                repository.Decisions.Audit(decision.DecisionId, "agent:" + decision.AgentId, "effect unusable", decision.Outcome);
            }

            return;
        }

        var (kept, outcome) = GovernancePolicy.Compare(decision, effect, options);
        decision.EffectLossPercent = effect.LossPercent;
        decision.EffectUtilisation = effect.MeanUtilisation;
        decision.Outcome = outcome;
        decision.State = kept ? DecisionState.Confirmed : DecisionState.Violated;
        if (!repository.Decisions.Update(decision, DecisionState.Applied))
        {
            return;
        }

        repository.Decisions.Audit(decision.DecisionId, "agent:" + decision.AgentId, "effect measured", string.Create(CultureInfo.InvariantCulture, $"{effect.Windows} windows at {effect.CapacityGbps:0.##} Gbit/s: worst loss {effect.LossPercent:0.###}%, mean {effect.MeanLossPercent:0.###}%, peak {effect.PeakGbps:0.##} Gbit/s, utilisation {effect.MeanUtilisation:0%}"));
        repository.Decisions.Audit(decision.DecisionId, "policy", kept ? "confirmed" : "violated", outcome);
        Log.Verified(logger, decision.DecisionId, decision.State, outcome);
        if (kept || !options.RollbackOnViolation || decision.Action == "rollback")
        {
            return;
        }

        if (decision.Action != "lower-capacity" || decision.FromGbps <= 0)
        {
            // A raise that did not suffice: the old, smaller target would drop more. The next pass proposes from the new measurements.
            repository.Decisions.Audit(decision.DecisionId, "policy", "not rolled back", "restoring the previous, smaller target would drop more; the next pass decides from the new measurements");
            return;
        }

        var rollback = new Decision
        {
            AgentId = decision.AgentId,
            Site = decision.Site,
            LinkId = decision.LinkId,
            Action = "rollback",
            FromGbps = decision.ToGbps,
            ToGbps = decision.FromGbps,
            NeededGbps = decision.NeededGbps,
            ObservedLossPercent = effect.LossPercent,
            PredictedLossPercent = decision.PredictedLossPercent,
            LossTarget = decision.LossTarget,
            CostDeltaPerMonth = Math.Round((decision.FromGbps - decision.ToGbps) * options.CostPerGbpsMonth, 2),
            RollbackOf = decision.DecisionId,
            EffectLossPercent = double.NaN,
            EffectUtilisation = double.NaN,
            Justification = string.Create(CultureInfo.InvariantCulture, $"decision {decision.DecisionId} broke the policy ({outcome}); restoring link {decision.LinkId}'s previous target {decision.FromGbps:0.##} Gbit/s"),
        };
        rollback.Cells.AddRange(decision.Cells);
        var created = Create(rollback, decision.TraceParent);
        decision.State = DecisionState.RolledBack;
        if (repository.Decisions.Update(decision, DecisionState.Violated))
        {
            repository.Decisions.Audit(decision.DecisionId, "policy", "rolled back", $"decision {created.DecisionId} restores {decision.FromGbps.ToString("0.##", CultureInfo.InvariantCulture)} Gbit/s");
        }
    }

    private int Propose()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var fresh = now - (long)(options.FreshSeconds * 1000);
        var forecasts = repository.Results.Forecasts(fresh, null, latestOnly: true).ToDictionary(f => (f.AgentId, f.Forecast.LinkId), f => f.Forecast);
        var recent = repository.Results.LinkNeeds(now - (long)(options.LookbackSeconds * 1000), options.SettleSeconds)
            .Where(n => n.NeedGbps is not null)
            .ToDictionary(n => (n.AgentId, n.LinkId), n => (Need: n.NeedGbps!.Value, Mean: n.MeanGbps ?? 0, Since: n.SinceUnixMs));
        var decisions = repository.Decisions.LatestPerLink();
        var made = 0;
        foreach (var latest in repository.Results.LatestLinks(null).Where(l => l.ProducedUnixMs >= fresh))
        {
            if (!recent.TryGetValue((latest.AgentId, latest.Link.LinkId), out var history) || latest.ProducedUnixMs - history.Since < options.SettleSeconds * 1000)
            {
                // A link's first windows are partial (its cells are still arriving): wait until its results span SettleSeconds
                // and ten seconds of rollups lie wholly after them.
                continue;
            }

            var last = decisions.GetValueOrDefault((latest.AgentId, latest.Link.LinkId));
            if (last is not null && (DecisionState.Open.Contains(last.State) || latest.ProducedUnixMs < last.UpdatedUnixMs))
            {
                // One decision per link at a time, and the next only on a picture taken after the last one moved.
                continue;
            }

            var proposal = ControlPlanner.Propose(latest, history.Need, history.Mean, forecasts.GetValueOrDefault((latest.AgentId, latest.Link.LinkId)), options);
            if (proposal is null
                || (last is { State: DecisionState.Rejected } && Math.Abs(last.ToGbps - proposal.ToGbps) < 1e-9 && now - last.UpdatedUnixMs < options.RejectedQuietMinutes * 60_000)
                || (proposal.Action == "lower-capacity" && last is { State: DecisionState.Confirmed or DecisionState.RolledBack } && now - last.UpdatedUnixMs < options.HoldMinutes * 60_000))
            {
                continue;
            }

            Create(proposal, latest.TraceParent);
            made++;
        }

        return made;
    }

    /// <summary>Stores a proposal as the policy judges it (approved or held), audits both, and sends an approved one.</summary>
    /// <param name="proposal">The decision to make.</param>
    /// <param name="evidence">The traceparent of what it was made from (the storage of the link result, or the decision it rolls back).</param>
    private Decision Create(Decision proposal, string evidence)
    {
        using var span = TraceContext.StartFrom(CoordinatorTracing.Source, "control decision", ActivityKind.Internal, evidence);
        var (auto, reason) = GovernancePolicy.Judge(proposal, options);
        proposal.State = auto ? DecisionState.Approved : DecisionState.Held;
        proposal.Policy = reason;
        proposal.TraceParent = TraceContext.Of(span);
        var saved = repository.Decisions.Save(proposal);
        span?.SetTag("networktwin.decision_id", saved.DecisionId)
            .SetTag("networktwin.agent_id", saved.AgentId)
            .SetTag("networktwin.link_id", saved.LinkId)
            .SetTag("networktwin.action", saved.Action)
            .SetTag("networktwin.state", saved.State);
        if (!auto)
        {
            // The reason names the decision id, which the row only now has.
            (_, saved.Policy) = GovernancePolicy.Judge(saved, options);
            repository.Decisions.Update(saved, DecisionState.Held);
        }

        var change = string.Create(CultureInfo.InvariantCulture, $"{saved.Action} link {saved.LinkId} of {saved.AgentId}: {saved.FromGbps:0.##} -> {saved.ToGbps:0.##} Gbit/s ({saved.CostDeltaPerMonth:+0.##;-0.##;0} per month). {saved.Justification}");
        repository.Decisions.Audit(saved.DecisionId, "coordinator", "proposed", change);
        repository.Decisions.Audit(saved.DecisionId, "policy", auto ? "auto-approved" : "held for approval", saved.Policy);
        Log.Proposed(logger, saved.DecisionId, saved.Action, saved.LinkId, saved.AgentId, saved.FromGbps, saved.ToGbps, saved.State, saved.Policy);
        if (auto)
        {
            Send(saved);
        }

        return saved;
    }

    /// <summary>Claims an approved decision (so only one coordinator sends it), issues its command and wakes the agent.</summary>
    private void Send(Decision decision)
    {
        decision.State = DecisionState.Sent;
        if (!repository.Decisions.Update(decision, DecisionState.Approved))
        {
            return;
        }

        // Under the decision's span, however much later an operator approved it; the approval's own span is linked.
        ActivityLink[]? approval = Activity.Current is { } current && current.Source != CoordinatorTracing.Source ? [new ActivityLink(current.Context)] : null;
        using var span = TraceContext.StartFrom(CoordinatorTracing.Source, "send command", ActivityKind.Producer, decision.TraceParent, approval);
        var command = new Command
        {
            TraceParent = TraceContext.Of(span),
            AgentId = decision.AgentId,
            Reason = string.Create(CultureInfo.InvariantCulture, $"decision {decision.DecisionId}: {decision.Action} {decision.FromGbps:0.##} -> {decision.ToGbps:0.##} Gbit/s"),
            Capacity = new CapacityTarget { LinkId = decision.LinkId, CapacityGbps = decision.ToGbps, DecisionId = decision.DecisionId },
        };
        command.Capacity.Cells.AddRange(decision.Cells);
        var issued = repository.Commands.Issue(command);
        span?.SetTag("networktwin.decision_id", decision.DecisionId)
            .SetTag("networktwin.command_id", issued.CommandId)
            .SetTag("networktwin.agent_id", decision.AgentId);
        decision.CommandId = issued.CommandId;
        repository.Decisions.Update(decision, DecisionState.Sent);
        repository.Decisions.Audit(decision.DecisionId, "coordinator", "sent", string.Create(CultureInfo.InvariantCulture, $"command {issued.CommandId} to agent {decision.AgentId}: link {decision.LinkId} capacity target {decision.ToGbps:0.##} Gbit/s"));
        signal.Notify(decision.AgentId);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "Decision {Id}: {Action} link {Link} of {Agent} {From:0.##} -> {To:0.##} Gbit/s, {State}: {Policy}")]
        public static partial void Proposed(ILogger logger, long id, string action, int link, string agent, double from, double to, string state, string policy);

        [LoggerMessage(EventId = 61, Level = LogLevel.Information, Message = "Decision {Id} {Verdict} by {Operator}: {Note}")]
        public static partial void Decided(ILogger logger, long id, string verdict, string @operator, string note);

        [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "Decision {Id} was refused by agent {Agent}: {Detail}. The link keeps its previous target; the next pass decides again from fresh measurements")]
        public static partial void Refused(ILogger logger, long id, string agent, string detail);

        [LoggerMessage(EventId = 63, Level = LogLevel.Information, Message = "Decision {Id} {State}: {Outcome}")]
        public static partial void Verified(ILogger logger, long id, string state, string outcome);

        [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "Control pass failed: {Reason}. Decisions keep their state in the repository; the next pass carries on")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
