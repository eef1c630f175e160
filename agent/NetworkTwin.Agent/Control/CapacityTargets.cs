using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Agent.Control;

/// <summary>
/// The capacity target of every link (from the targets file a previous run left, else the configured
/// installed capacity), changed by the coordinator's <see cref="CapacityTarget"/> commands through the
/// <see cref="IActuator"/>. After a change it measures the effect over the next
/// <c>Agent:Actuator:EffectWindows</c> evaluations (the buffer model on the link's observed traffic at
/// the new capacity, and any loss the DU reports) and hands back one <see cref="ControlEffect"/>.
/// </summary>
internal sealed partial class CapacityTargets
{
    private readonly AgentOptions _options;
    private readonly IActuator _actuator;
    private readonly ILogger<CapacityTargets> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, LinkTarget> _targets = [];
    private readonly List<Measurement> _measuring = [];

    public CapacityTargets(IOptions<AgentOptions> options, IActuator actuator, ILogger<CapacityTargets> logger)
    {
        _options = options.Value;
        _actuator = actuator;
        _logger = logger;
        foreach (var (link, gbps) in _options.Actuator.Installed)
        {
            var id = int.Parse(link, CultureInfo.InvariantCulture);
            _targets[id] = new LinkTarget(id, [], gbps, 0, 0, DateTimeOffset.MinValue);
        }

        foreach (var target in FileHookActuator.Read(_options.ResolvedTargetsFile))
        {
            _targets[target.LinkId] = target;
        }
    }

    /// <summary>The link's target in Gbit/s, or null when none is known.</summary>
    public double? TargetGbps(int linkId)
    {
        lock (_gate)
        {
            return _targets.TryGetValue(linkId, out var t) ? t.CapacityGbps : null;
        }
    }

    public IReadOnlyList<LinkTarget> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _targets.Values.OrderBy(t => t.LinkId)];
            }
        }
    }

    /// <summary>
    /// Checks the command against the current link picture, has the actuator carry it out, and starts
    /// measuring its effect. Returns what was done; throws <see cref="InvalidDataException"/> when refused.
    /// </summary>
    public string Apply(long commandId, CapacityTarget command, IReadOnlyList<LinkReport>? links)
    {
        if (command.LinkId < 1)
        {
            throw new InvalidDataException($"capacity target for link {command.LinkId}: link ids start at 1");
        }

        if (!double.IsFinite(command.CapacityGbps) || command.CapacityGbps is <= 0 or > 100_000)
        {
            throw new InvalidDataException($"capacity target for link {command.LinkId}: {command.CapacityGbps} Gbit/s is not a capacity (above 0, at most 100000)");
        }

        var current = links?.FirstOrDefault(l => l.Id == command.LinkId)
            ?? throw new InvalidDataException($"capacity target for link {command.LinkId}: this agent has no link {command.LinkId} in its current picture ({Describe(links)}); the coordinator should decide again");
        if (command.Cells.Count > 0 && !command.Cells.Order().SequenceEqual(current.Cells.Order()))
        {
            throw new InvalidDataException($"capacity target for link {command.LinkId}: the decision saw cells {string.Join(',', command.Cells)}, the link now carries {string.Join(',', current.Cells)}; the picture changed, so the coordinator should decide again");
        }

        lock (_gate)
        {
            var previous = _targets.GetValueOrDefault(command.LinkId);
            var target = new LinkTarget(command.LinkId, [.. current.Cells], command.CapacityGbps, commandId, command.DecisionId, DateTimeOffset.UtcNow);
            var all = new Dictionary<int, LinkTarget>(_targets) { [target.LinkId] = target };
            var detail = _actuator.Apply(target, previous, all.Values);
            _targets[target.LinkId] = target;
            _measuring.RemoveAll(m => m.Target.LinkId == target.LinkId);
            _measuring.Add(new Measurement(target));
            Log.Applied(_logger, target.LinkId, previous?.CapacityGbps ?? 0, target.CapacityGbps, commandId, detail);
            return string.Create(CultureInfo.InvariantCulture, $"link {target.LinkId} capacity target {previous?.CapacityGbps.ToString("0.###", CultureInfo.InvariantCulture) ?? "none"} -> {target.CapacityGbps:0.###} Gbit/s; {detail}; measuring the effect over the next {_options.Actuator.EffectWindows} windows");
        }
    }

    /// <summary>Adds one evaluation to every running measurement; returns the effects that are complete.</summary>
    public IReadOnlyList<ControlEffect> Observe(DateTimeOffset takenAt, IReadOnlyList<LinkReport> links, IReadOnlyDictionary<int, double> lossAtTargetPercent)
    {
        lock (_gate)
        {
            var done = new List<ControlEffect>();
            foreach (var m in _measuring.ToList())
            {
                var link = links.FirstOrDefault(l => l.Id == m.Target.LinkId);
                if (takenAt <= m.Target.AppliedAt || link is null || !lossAtTargetPercent.TryGetValue(link.Id, out var loss))
                {
                    continue;
                }

                m.Windows.Add((loss, link.PeakGbps, link.MeanGbps, link.ObservedLossPercent ?? double.NaN));
                if (m.Windows.Count < _options.Actuator.EffectWindows)
                {
                    continue;
                }

                _measuring.Remove(m);
                var observed = m.Windows.Select(w => w.Observed).Where(double.IsFinite).ToList();
                var effect = new ControlEffect
                {
                    CommandId = m.Target.CommandId,
                    DecisionId = m.Target.DecisionId,
                    LinkId = m.Target.LinkId,
                    CapacityGbps = m.Target.CapacityGbps,
                    Windows = m.Windows.Count,
                    LossPercent = Math.Round(m.Windows.Max(w => w.Loss), 4),
                    MeanLossPercent = Math.Round(m.Windows.Average(w => w.Loss), 4),
                    PeakGbps = m.Windows.Max(w => w.Peak),
                    MeanUtilisation = Math.Round(m.Windows.Average(w => w.Mean) / m.Target.CapacityGbps, 4),
                    ObservedLossPercent = observed.Count > 0 ? observed.Max() : double.NaN,
                    LossTarget = _options.Analysis.LossTarget,
                };
                effect.Cells.AddRange(m.Target.Cells);
                Log.Measured(_logger, effect.LinkId, effect.CapacityGbps, effect.Windows, effect.LossPercent, _options.Analysis.LossTarget * 100, effect.MeanUtilisation * 100);
                done.Add(effect);
            }

            return done;
        }
    }

    private static string Describe(IReadOnlyList<LinkReport>? links) =>
        links is null or { Count: 0 } ? "no links yet" : string.Join("; ", links.Select(l => $"link {l.Id}: cells {string.Join(',', l.Cells)}"));

    private sealed record Measurement(LinkTarget Target)
    {
        public List<(double Loss, double Peak, double Mean, double Observed)> Windows { get; } = [];
    }

    private static partial class Log
    {
        [LoggerMessage(8201, LogLevel.Information, "Link {Link} capacity target {From:0.###} -> {To:0.###} Gbit/s (coordinator command {CommandId}): {Detail}. The next windows measure what the link would drop at the new capacity")]
        public static partial void Applied(ILogger logger, int link, double from, double to, long commandId, string detail);

        [LoggerMessage(8202, LogLevel.Information, "Link {Link} at {Capacity:0.###} Gbit/s over {Windows} windows: worst loss {Loss:0.###}% (target {Target:0.###}%), mean utilisation {Utilisation:0.#}%; reported to the coordinator")]
        public static partial void Measured(ILogger logger, int link, double capacity, int windows, double loss, double target, double utilisation);
    }
}
