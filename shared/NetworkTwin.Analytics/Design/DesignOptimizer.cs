namespace NetworkTwin.Analytics.Design;

/// <summary>One decision of the optimiser, kept as the audit trail.</summary>
public sealed record OptimizationStep(int Step, string Action, bool Accepted, string Reason, double CostBefore, double CostAfter, double MaxLatencyBefore, double MaxLatencyAfter);

/// <summary>
/// Improves a design under its intent: tries removing the most expensive links (kept only when
/// redundancy, hop and latency limits still hold and the objective does not suffer), adds direct
/// links for the worst-latency demands when latency matters or is over its limit, and re-sizes
/// every link after each change. Every trial is logged with its reason, accepted or not.
/// </summary>
public static class DesignOptimizer
{
    public static (DesignResult Design, IReadOnlyList<OptimizationStep> Audit) Optimize(
        ExpandedIntent intent, DesignResult start, int maxTrials = 20, IProgress<(int Done, int Total)>? progress = null, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var audit = new List<OptimizationStep>();
        var current = start;
        var trials = 0;
        var objective = intent.Intent.Objective;
        var latencyLimit = intent.Intent.Constraints.MaxLatencyMs;
        var budget = intent.Intent.Constraints.Budget;

        DesignResult Resize(List<(int A, int B)> layout, string change) =>
            DesignSizer.Size(intent, current.Pattern, layout, [.. current.Log, change], maxParallelism, cancellationToken);

        void Record(string action, bool accepted, string reason, DesignResult before, DesignResult after) =>
            audit.Add(new OptimizationStep(audit.Count + 1, action, accepted, reason, before.Scores.Cost, after.Scores.Cost, before.Scores.MaxLatencyMs, after.Scores.MaxLatencyMs));

        // 1. Removals, most expensive first (half the trials when additions for latency follow).
        var needFaster = objective == Objective.Latency || (latencyLimit is { } limit && current.Scores.MaxLatencyMs > limit);
        var removalTrials = needFaster ? (maxTrials + 1) / 2 : maxTrials;
        foreach (var link in start.Links.OrderByDescending(l => l.Cost).Select(l => (l.A, l.B)).ToList())
        {
            if (trials >= removalTrials)
            {
                break;
            }

            var layout = current.Links.Select(l => (l.A, l.B)).Where(l => l != link).ToList();
            if (layout.Count == current.Links.Count)
            {
                continue;
            }

            trials++;
            progress?.Report((trials, maxTrials));
            var name = $"remove {intent.Sites[link.A].Id} - {intent.Sites[link.B].Id}";
            var trial = Resize(layout, $"optimiser: {name}");
            var redundancy = DesignSizer.Check(intent, trial.Scores).FirstOrDefault(v => v.StartsWith("connectivity", StringComparison.Ordinal));
            string? reject = redundancy
                ?? (trial.Scores.Cost >= current.Scores.Cost ? $"saves nothing (re-sizing the rest costs {trial.Scores.Cost - current.Scores.Cost:N0} more)" : null)
                ?? (trial.Violations.Count > current.Violations.Count ? "breaks a constraint: " + trial.Violations.Except(current.Violations).First() : null)
                ?? (objective == Objective.Latency && trial.Scores.MaxLatencyMs > current.Scores.MaxLatencyMs * 1.02 ? $"worst latency rises {trial.Scores.MaxLatencyMs - current.Scores.MaxLatencyMs:0.00} ms and latency comes first" : null)
                ?? (objective == Objective.Resilience && trial.Scores.Survivability < current.Scores.Survivability ? $"survivability drops to {100 * trial.Scores.Survivability:0.#}% and resilience comes first" : null);
            if (reject is null)
            {
                Record(name, true, $"saves {current.Scores.Cost - trial.Scores.Cost:N0}; redundancy, hop and latency limits still hold", current, trial);
                current = trial;
            }
            else
            {
                Record(name, false, reject, current, trial);
            }
        }

        // 2. Direct links for the slowest demands, when latency matters or is over its limit.
        needFaster = objective == Objective.Latency || (latencyLimit is { } l && current.Scores.MaxLatencyMs > l);
        var tried = new HashSet<(int, int)>();
        while (needFaster && trials < maxTrials)
        {
            var pair = SlowestUnlinkedPair(intent, current, tried);
            if (pair is null)
            {
                break;
            }

            tried.Add(pair.Value);
            trials++;
            progress?.Report((trials, maxTrials));
            var name = $"add {intent.Sites[pair.Value.A].Id} - {intent.Sites[pair.Value.B].Id}";
            var layout = current.Links.Select(x => (x.A, x.B)).Append(pair.Value).ToList();
            var trial = Resize(layout, $"optimiser: {name}");
            string? reject = trial.Scores.MaxLatencyMs >= current.Scores.MaxLatencyMs - 1e-6
                ? "does not shorten the worst path"
                : budget is { } b && trial.Scores.Cost > b
                    ? $"would cost {trial.Scores.Cost:N0}, over the budget of {b:N0}"
                    : null;
            if (reject is null)
            {
                Record(name, true, $"worst latency {current.Scores.MaxLatencyMs:0.00} -> {trial.Scores.MaxLatencyMs:0.00} ms for {trial.Scores.Cost - current.Scores.Cost:N0} more", current, trial);
                current = trial;
            }
            else
            {
                Record(name, false, reject, current, trial);
            }
        }

        return (current, audit);
    }

    /// <summary>The demand pair farthest apart in fibre latency relative to the straight line, not yet linked or tried.</summary>
    private static (int A, int B)? SlowestUnlinkedPair(ExpandedIntent intent, DesignResult design, HashSet<(int, int)> tried)
    {
        var linked = design.Links.Select(l => (Math.Min(l.A, l.B), Math.Max(l.A, l.B))).ToHashSet();
        return intent.Demands
            .Select(d => (A: Math.Min(d.Source, d.Target), B: Math.Max(d.Source, d.Target)))
            .Distinct()
            .Where(p => !linked.Contains(p) && !tried.Contains(p))
            .OrderByDescending(p => intent.DistanceKm(p.A, p.B))
            .Select(p => ((int A, int B)?)p)
            .FirstOrDefault();
    }
}
