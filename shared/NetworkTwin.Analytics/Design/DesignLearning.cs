using Msg = NetworkTwin.Contracts.Design;

namespace NetworkTwin.Analytics.Design;

/// <summary>
/// The learning report over a design history: which patterns met which intents, how often the recommended option was
/// the one chosen and how chosen designs turned out, and the same over time (per day or week).
/// </summary>
public static class DesignLearning
{
    public static Msg.LearningReport Report(IReadOnlyList<Msg.DesignRecord> records, bool weekly = false)
    {
        var report = new Msg.LearningReport { Records = records.Count, MeanRankChosen = double.NaN, MeanCostRatio = double.NaN };
        report.Operators.AddRange(records.Select(r => r.Operator).Where(o => o.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

        // Recommendation runs: the options of one run share its run id.
        var runs = records.Where(r => r.Operation == "recommend" && r.RunId != 0).GroupBy(r => r.RunId).ToList();
        report.RecommendationRuns = runs.Count;
        var chosen = runs.Select(g => g.FirstOrDefault(r => r.Chosen)).Where(r => r is not null).Select(r => r!).ToList();
        report.RunsWithChoice = chosen.Count;
        report.Followed = chosen.Count(r => r.Rank == 1);
        if (chosen.Count > 0)
        {
            report.MeanRankChosen = Math.Round(chosen.Average(r => r.Rank), 3);
        }

        var outcomes = records.Where(r => r.Outcome is not null).ToList();
        report.Outcomes = outcomes.Count;
        report.OutcomesMet = outcomes.Count(r => r.Outcome.MetIntent);
        var ratios = outcomes.Where(r => r.Outcome.HasActualCost && r.Outcome.ActualCost > 0 && r.Scores is { Cost: > 0 }).Select(r => r.Outcome.ActualCost / r.Scores.Cost).ToList();
        if (ratios.Count > 0)
        {
            report.MeanCostRatio = Math.Round(ratios.Average(), 4);
        }

        report.Patterns.AddRange(records
            .Where(r => r.Pattern.Length > 0 && r.Features is not null)
            .GroupBy(r => (r.Pattern, r.Features.Redundancy, r.Features.Objective))
            .OrderBy(g => g.Key.Redundancy, StringComparer.Ordinal).ThenBy(g => g.Key.Objective, StringComparer.Ordinal).ThenBy(g => g.Key.Pattern, StringComparer.Ordinal)
            .Select(g =>
            {
                var scored = g.Where(r => r.HasScore).ToList();
                return new Msg.PatternRow
                {
                    Pattern = g.Key.Pattern,
                    Redundancy = g.Key.Redundancy,
                    Objective = g.Key.Objective,
                    Offered = g.Count(),
                    RankedFirst = g.Count(r => r.Rank == 1),
                    MetConstraints = g.Count(r => r.HasMetConstraints && r.MetConstraints),
                    MeanScore = scored.Count > 0 ? Math.Round(scored.Average(r => r.Score), 4) : double.NaN,
                    Chosen = g.Count(r => r.Chosen),
                    Outcomes = g.Count(r => r.Outcome is not null),
                    OutcomesMet = g.Count(r => r.Outcome is { MetIntent: true }),
                };
            }));

        var step = weekly ? 7 * 86_400_000L : 86_400_000L;
        report.Trend.AddRange(records
            .GroupBy(r => r.RecordedUnixMs - (((r.RecordedUnixMs % step) + step) % step))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var bucketRuns = g.Where(r => r.Operation == "recommend" && r.RunId != 0).GroupBy(r => r.RunId).ToList();
                var tops = bucketRuns.Select(run => run.FirstOrDefault(r => r.Rank == 1)).Where(r => r is { HasScore: true }).Select(r => r!.Score).ToList();
                var picks = bucketRuns.Select(run => run.FirstOrDefault(r => r.Chosen)).Where(r => r is not null).ToList();
                return new Msg.TrendRow
                {
                    BucketUnixMs = g.Key,
                    Runs = bucketRuns.Count,
                    Chosen = picks.Count,
                    Followed = picks.Count(r => r!.Rank == 1),
                    MeanTopScore = tops.Count > 0 ? Math.Round(tops.Average(), 4) : double.NaN,
                    Outcomes = g.Count(r => r.Outcome is not null),
                    OutcomesMet = g.Count(r => r.Outcome is { MetIntent: true }),
                };
            }));
        return report;
    }
}
