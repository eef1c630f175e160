namespace NetworkTwin.Analytics.Design;

/// <summary>What is remembered of an intent to find similar ones later.</summary>
public sealed record IntentFeatures(int Sites, int Regions, Redundancy Redundancy, Objective Objective, double TotalDemandGbps)
{
    public static IntentFeatures Of(ExpandedIntent intent) =>
        new(intent.Sites.Count, intent.Regions.Count, intent.Intent.Redundancy, intent.Intent.Objective, Math.Round(intent.Demands.Sum(d => d.Gbps), 3));

    /// <summary>Similar: same redundancy and objective, sizes within a factor of two.</summary>
    public bool IsSimilarTo(IntentFeatures other) =>
        Redundancy == other.Redundancy && Objective == other.Objective
        && Sites <= 2 * other.Sites && other.Sites <= 2 * Sites
        && Math.Abs(Regions - other.Regions) <= 2;
}

/// <summary>A recorded outcome: a pattern's score for an intent, and whether it met the constraints.</summary>
public sealed record DesignOutcome(IntentFeatures Features, TopologyPattern Pattern, double Score, bool MetConstraints);

/// <summary>One ranked option for an intent.</summary>
/// <param name="Confidence">How likely this is the best of the options, 0..1 (scores and past outcomes).</param>
/// <param name="HistoryScore">Mean recorded score of this pattern for similar intents; null without history.</param>
public sealed record RankedOption(int Rank, DesignResult Design, double Score, double Confidence, double? HistoryScore, string TradeOffs, string Rationale);

public sealed record Recommendation(IReadOnlyList<RankedOption> Options, IReadOnlyList<string> Skipped, int SimilarPastOutcomes);

/// <summary>
/// Scores every applicable pattern for an intent by simulation (generate, size against the
/// failures the redundancy covers, score cost, latency and survivability), blends in how the
/// same patterns did for similar recorded intents, and ranks them with a confidence, the
/// trade-offs and a plain-language rationale.
/// </summary>
public static class DesignRecommender
{
    /// <summary>Weight of recorded outcomes against this intent's own simulation.</summary>
    public const double HistoryWeight = 0.2;

    public static Recommendation Recommend(ExpandedIntent intent, IReadOnlyList<DesignOutcome> history, IProgress<string>? progress = null, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var skipped = new List<string>();
        var designs = new List<DesignResult>();
        foreach (var pattern in Enum.GetValues<TopologyPattern>())
        {
            var why = TopologyGenerator.NotApplicable(pattern, intent);
            if (why is not null)
            {
                skipped.Add($"{pattern}: {why}");
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report($"sizing {pattern}");
            var (layout, log) = TopologyGenerator.Generate(pattern, intent);
            designs.Add(DesignSizer.Size(intent, pattern, layout, log, maxParallelism, cancellationToken));
        }

        var features = IntentFeatures.Of(intent);
        var similar = history.Where(h => h.Features.IsSimilarTo(features)).ToList();
        var (wCost, wLatency, wResilience) = Weights(intent.Intent.Objective);
        var minCost = designs.Min(d => d.Scores.Cost);
        var minAvg = designs.Min(d => Math.Max(d.Scores.AverageLatencyMs, 1e-6));
        var minMax = designs.Min(d => Math.Max(d.Scores.MaxLatencyMs, 1e-6));
        var scored = designs.Select(d =>
        {
            var cost = minCost / Math.Max(d.Scores.Cost, 1e-6);
            var latency = (0.5 * minAvg / Math.Max(d.Scores.AverageLatencyMs, 1e-6)) + (0.5 * minMax / Math.Max(d.Scores.MaxLatencyMs, 1e-6));
            var own = (wCost * cost) + (wLatency * latency) + (wResilience * d.Scores.Survivability);
            if (!d.MeetsConstraints)
            {
                own *= 0.5;
            }

            var past = similar.Where(h => h.Pattern == d.Pattern).ToList();
            double? prior = past.Count > 0 ? past.Average(h => h.MetConstraints ? h.Score : h.Score * 0.5) : null;
            var score = prior is { } p ? ((1 - HistoryWeight) * own) + (HistoryWeight * p) : own;
            return (Design: d, Score: Math.Round(score, 4), Prior: prior);
        }).OrderByDescending(x => x.Score).ToList();

        // Confidence: a softmax over scores (a 0.05 lead is worth e:1), so close calls say so.
        var exp = scored.Select(x => Math.Exp((x.Score - scored[0].Score) / 0.05)).ToList();
        var sum = exp.Sum();
        var options = scored.Select((x, i) => new RankedOption(
            i + 1,
            x.Design,
            x.Score,
            Math.Round(exp[i] / sum, 3),
            x.Prior is { } p ? Math.Round(p, 4) : null,
            TradeOffs(x.Design, designs),
            Rationale(x.Design, i, scored.Count, intent, x.Prior))).ToList();
        return new Recommendation(options, skipped, similar.Count);
    }

    public static (double Cost, double Latency, double Resilience) Weights(Objective objective) => objective switch
    {
        Objective.Cost => (0.6, 0.2, 0.2),
        Objective.Latency => (0.2, 0.6, 0.2),
        _ => (0.2, 0.2, 0.6),
    };

    private static string TradeOffs(DesignResult d, List<DesignResult> all)
    {
        var cheapest = all.Min(x => x.Scores.Cost);
        var fastest = all.Min(x => x.Scores.MaxLatencyMs);
        return $"cost {d.Scores.Cost:N0} ({(d.Scores.Cost / cheapest - 1) * 100:+0;-0;0}% vs cheapest), "
            + $"worst latency {d.Scores.MaxLatencyMs:0.0} ms (best {fastest:0.0}), "
            + $"survives {100 * d.Scores.Survivability:0.#}% of {d.Scores.FailuresTried} failures";
    }

    private static string Rationale(DesignResult d, int rank, int count, ExpandedIntent intent, double? prior)
    {
        var s = d.Scores;
        var objective = intent.Intent.Objective.ToString().ToLowerInvariant();
        var parts = new List<string>
        {
            rank == 0 ? $"Best overall for a {objective}-first intent" : $"Option {rank + 1} of {count}",
            $"{d.Network.LinkCount} links, {s.Diameter} hops at most; it takes {s.LinkConnectivity} link or {s.NodeConnectivity} node failure(s) to split it, and it carries every demand after {100 * s.Survivability:0.#}% of the failures tried",
        };
        parts.Add(d.MeetsConstraints ? "It meets every constraint" : "It does not meet: " + string.Join("; ", d.Violations));
        if (prior is { } p)
        {
            parts.Add($"Similar past intents scored this pattern {p:0.00}");
        }

        return string.Join(". ", parts) + ".";
    }
}
