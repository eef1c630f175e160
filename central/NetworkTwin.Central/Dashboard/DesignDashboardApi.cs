using NetworkTwin.Analytics.Design;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Design;

namespace NetworkTwin.Central.Dashboard;

/// <summary>
/// What the dashboard's design page shows, in one document: the newest designs of every operator with their scores and
/// failure results, and the learning report over the range (patterns by intent, recommendations followed, outcomes,
/// the trend by day).
/// </summary>
internal static class DesignDashboardApi
{
    /// <summary>The ranges the page offers, in days.</summary>
    public static readonly IReadOnlyList<int> RangeDays = [7, 30, 90, 365];

    /// <summary>Designs listed at most.</summary>
    public const int Recent = 50;

    public sealed record KindView(string Kind, int Simulated, int Partitioning, int Hurting);

    /// <summary>One design record as the page lists it; null where the operation has no such figure.</summary>
    public sealed record RecordView(
        long Id,
        long AtUnixMs,
        string Operator,
        string Operation,
        string Intent,
        string Pattern,
        int Rank,
        double? Score,
        double? Confidence,
        double? Cost,
        double? MaxLatencyMs,
        double? Survivability,
        bool? Met,
        string? ChosenBy,
        string? Outcome,
        string Summary,
        IReadOnlyList<KindView> Failures);

    public sealed record PatternView(string Pattern, string Redundancy, string Objective, int Offered, int RankedFirst, int Met, double? MeanScore, int Chosen, int Outcomes, int OutcomesMet);

    public sealed record TrendView(long AtUnixMs, int Runs, int Chosen, int Followed, double? MeanTopScore, int Outcomes, int OutcomesMet);

    public sealed record Overview(
        long Now,
        int Days,
        int Records,
        int Runs,
        int RunsWithChoice,
        int Followed,
        int Outcomes,
        int OutcomesMet,
        double? MeanCostRatio,
        IReadOnlyList<string> Operators,
        IReadOnlyList<RecordView> Designs,
        IReadOnlyList<PatternView> Patterns,
        IReadOnlyList<TrendView> Trend);

    public static Overview Build(CoordinatorRepository repository, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // One read of the range serves the report and the newest designs (the last of it, oldest first as read).
        var records = repository.Designs.Since(now - (days * 86_400_000L));
        var report = DesignLearning.Report(records);
        var recent = records.TakeLast(Recent).Reverse();
        return new Overview(
            now,
            days,
            report.Records,
            report.RecommendationRuns,
            report.RunsWithChoice,
            report.Followed,
            report.Outcomes,
            report.OutcomesMet,
            Finite(report.MeanCostRatio),
            [.. report.Operators],
            [.. recent.Select(View)],
            [.. report.Patterns.Select(p => new PatternView(p.Pattern, p.Redundancy, p.Objective, p.Offered, p.RankedFirst, p.MetConstraints, Finite(p.MeanScore), p.Chosen, p.Outcomes, p.OutcomesMet))],
            [.. report.Trend.Select(t => new TrendView(t.BucketUnixMs, t.Runs, t.Chosen, t.Followed, Finite(t.MeanTopScore), t.Outcomes, t.OutcomesMet))]);
    }

    private static RecordView View(DesignRecord r) => new(
        r.RecordId,
        r.RecordedUnixMs,
        r.Operator,
        r.Operation,
        r.IntentName,
        r.Pattern,
        r.Rank,
        r.HasScore ? Math.Round(r.Score, 4) : null,
        r.HasConfidence ? Math.Round(r.Confidence, 3) : null,
        r.Scores is { } s ? Math.Round(s.Cost, 0) : r.Figures is { HasTotalCost: true } f ? Math.Round(f.TotalCost, 0) : null,
        r.Scores is { } l ? Math.Round(l.MaxLatencyMs, 2) : null,
        r.Scores is { } v ? Math.Round(v.Survivability, 4) : null,
        r.HasMetConstraints ? r.MetConstraints : null,
        r.Chosen ? r.ChosenBy : null,
        r.Outcome is { } o ? $"{(o.MetIntent ? "met" : "missed")} ({o.ReportedBy})" : null,
        r.Summary,
        r.Simulation is { } run ? [.. run.Kinds.Select(k => new KindView(k.Kind, k.Simulated, k.Partitioning, k.Hurting))] : []);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
