using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Topology;

namespace NetworkTwin.Central.Dashboard;

/// <summary>What the dashboard shows, in one document the page polls: agents and their health, the link map, capacities, recent per-link series.</summary>
internal static class DashboardApi
{
    /// <summary>The ranges the page offers, in minutes: 15 minutes to 7 days.</summary>
    public static readonly IReadOnlyList<int> RangeMinutes = [15, 60, 360, 1440, 10080];

    /// <summary>Points per chart line at most: a longer range is bucketed (capacity and peak the bucket's highest, mean its average).</summary>
    public const int MaxPoints = 300;

    /// <summary>The rollups a range is drawn from: ten-second ones up to an hour, minute ones up to a day, hour ones beyond.</summary>
    public static int RollupSecondsFor(int rangeMinutes) => rangeMinutes switch
    {
        <= 60 => 10,
        <= 24 * 60 => 60,
        _ => 3600,
    };

    public sealed record AgentView(string Id, string Site, string Version, double LastSeenSecondsAgo, long Results, long StoredThrough, bool Healthy);

    public sealed record CellView(string Agent, int Cell, double MeanCorrelation);

    /// <param name="CapacityGbps">Null when no agent's sizing falls to the link (unknown).</param>
    public sealed record LinkView(int Id, IReadOnlyList<string> Agents, IReadOnlyList<CellView> Cells, double MeanGbps, double? CapacityGbps, double? PeakGbps, double? WorstLossPercent);

    public sealed record Point(long T, double CapacityGbps, double MeanGbps, double PeakGbps);

    /// <summary>A forecast drawn at the time it is for (T = made + one step): median, 90% interval, the p=0.99 capacity.</summary>
    public sealed record ForecastPoint(long T, double Median, double Lower, double Upper, double Capacity);

    public sealed record SeriesView(string Agent, int AgentLink, int? Link, IReadOnlyList<Point> Points)
    {
        public IReadOnlyList<ForecastPoint> Forecasts { get; init; } = [];

        /// <summary>Times of windows whose load fell outside the previous forecast's 90% interval.</summary>
        public IReadOnlyList<long> Anomalies { get; init; } = [];
    }

    public sealed record DesignKindView(string Kind, int Simulated, long Possible, int Partitioning, int Hurting);

    public sealed record DesignFailureView(string Scenario, string Kind, int Components, double LostPairsPercent, double UnreachableDemandGbps, double? WorstUtilisation, int OverloadedLinks);

    public sealed record DesignView(string Network, int Nodes, int Links, long PublishedUnixMs, string PublishedBy, IReadOnlyList<DesignKindView> Kinds, IReadOnlyList<DesignFailureView> Worst);

    public sealed record Overview(long Now, int RangeMinutes, long TopologyVersion, string Statement, IReadOnlyList<AgentView> Agents, IReadOnlyList<LinkView> Links, IReadOnlyList<CellView> Unplaced, IReadOnlyList<SeriesView> Series, string Predictions, DesignView? Design)
    {
        public IReadOnlyList<DecisionView> Decisions { get; init; } = [];

        public ScenarioView? Scenario { get; init; }
    }

    /// <summary>The newest what-if run on the twin's state, worst outcomes first.</summary>
    public sealed record ScenarioView(long Id, long AtUnixMs, string RequestedBy, string State, int Count, IReadOnlyList<ScenarioRowView> Worst);

    public sealed record ScenarioRowView(string Name, double UnreachablePercent, string WorstLink, double BrokenPercent, int Violations, double CostPerMonth, string Notes);

    /// <summary>A control decision as the dashboard lists it (held ones get approve/reject buttons).</summary>
    public sealed record DecisionView(long Id, string State, string Agent, int Link, int? DiscoveredLink, string Action, double FromGbps, double ToGbps, double NeededGbps, double CostDeltaPerMonth, double? EffectLossPercent, string Justification, string Policy, string Outcome, long UpdatedUnixMs);

    /// <summary>An operator's verdict on a held decision, as the dashboard posts it.</summary>
    public sealed record Verdict(bool Approve, string? Operator, string? Note);

    public static Overview Build(CoordinatorRepository repository, TopologyService topology, int rangeMinutes = 15)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rangeMinutes);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var since = now - (rangeMinutes * 60_000L);
        var bucket = Math.Max(1L, rangeMinutes * 60_000L / MaxPoints);
        var agents = repository.Agents.List().Select(a => new AgentView(
            a.AgentId, a.Site, a.Version, Math.Round((now - a.LastSeenUnixMs) / 1000.0, 1), a.ResultsStored, a.StoredThrough, now - a.LastSeenUnixMs < 30_000)).ToList();
        var map = topology.Current();
        var capacities = topology.Capacities(map).Links.ToDictionary(l => l.LinkId);
        var links = map.Links.Select(l =>
        {
            var c = capacities.GetValueOrDefault(l.LinkId);
            return new LinkView(
                l.LinkId,
                [.. l.Agents],
                [.. l.Cells.Select(x => new CellView(x.Cell.AgentId, x.Cell.CellId, x.MeanCorrelation))],
                Math.Round(c?.MeanGbps ?? 0, 3),
                c is null || double.IsNaN(c.CapacityGbps) ? null : Math.Round(c.CapacityGbps, 3),
                c is null || double.IsNaN(c.PeakGbps) ? null : Math.Round(c.PeakGbps, 3),
                c is null || double.IsNaN(c.MaxLossPercent) ? null : Math.Round(c.MaxLossPercent, 3));
        }).ToList();

        var linkOfCell = CapacityView.LinkOfCell(map);
        var forecasts = repository.Results.Forecasts(since, null, latestOnly: false)
            .GroupBy(f => (f.AgentId, f.Forecast.LinkId))
            .ToDictionary(g => g.Key, g => g.ToList());
        var models = forecasts.Values.SelectMany(f => f).Select(f => $"{f.Forecast.ModelName} v{f.Forecast.ModelVersion}").Distinct().ToList();
        var cells = repository.Results.LatestLinks(null).ToDictionary(l => (l.AgentId, l.Link.LinkId), l => l.Link.Cells);
        var series = repository.Results.LinkRollups(since, RollupSecondsFor(rangeMinutes))
            .Where(r => r.LastUnixMs >= since)
            .GroupBy(r => (r.AgentId, r.LinkId))
            .Select(g =>
            {
                var discovered = cells.TryGetValue(g.Key, out var linkCells) ? CapacityView.DiscoveredLink(g.Key.AgentId, linkCells, linkOfCell) : null;
                var predicted = forecasts.GetValueOrDefault((g.Key.AgentId, g.Key.LinkId)) ?? [];
                var points = g.GroupBy(r => r.BucketUnixMs / bucket).Select(b => new Point(
                    b.First().FirstUnixMs,
                    Math.Round(b.Max(r => r.CapacityMaxGbps), 3),
                    Math.Round(b.Sum(r => r.MeanGbps * r.Windows) / b.Sum(r => r.Windows), 3),
                    Math.Round(b.Max(r => r.PeakMaxGbps), 3)));
                var band = predicted.GroupBy(f => f.ProducedUnixMs / bucket).Select(b => new ForecastPoint(
                    b.Last().ProducedUnixMs + (long)(b.Last().Forecast.StepSeconds * 1000),
                    Math.Round(b.Average(f => f.Forecast.MedianGbps), 3),
                    Math.Round(b.Min(f => f.Forecast.LowerGbps), 3),
                    Math.Round(b.Max(f => f.Forecast.UpperGbps), 3),
                    Math.Round(b.Max(f => f.Forecast.RequiredCapacityGbps), 3)));
                return new SeriesView(g.Key.AgentId, g.Key.LinkId, discovered, [.. points])
                {
                    Forecasts = [.. band],
                    Anomalies = [.. predicted.Where(f => f.Forecast.Anomaly).Select(f => f.ProducedUnixMs).TakeLast(MaxPoints)],
                };
            })
            .OrderBy(s => s.Link ?? int.MaxValue).ThenBy(s => s.Agent, StringComparer.Ordinal).ToList();
        return new Overview(
            now,
            rangeMinutes,
            map.Version,
            map.Statement,
            agents,
            links,
            [.. map.Unplaced.Select(c => new CellView(c.AgentId, c.CellId, 0))],
            series,
            models.Count == 0
                ? "No prediction model is deployed yet: the prediction band appears once agents run one."
                : $"Forecasts by {string.Join(", ", models)}: shaded band = 90% interval of the next window, red dots = windows outside the previous band.",
            repository.Runs.Designs(1).Select(r => new DesignView(
                r.Network,
                r.Nodes,
                r.Links,
                r.PublishedUnixMs,
                r.PublishedBy,
                [.. r.Kinds.Select(k => new DesignKindView(k.Kind, k.Simulated, k.Possible, k.Partitioning, k.Hurting))],
                [.. r.Worst.Take(10).Select(w => new DesignFailureView(w.Scenario, w.Kind, w.Components, Math.Round(w.LostPairsPercent, 2), Math.Round(w.UnreachableDemandGbps, 2), double.IsNaN(w.WorstUtilisation) ? null : Math.Round(w.WorstUtilisation, 3), w.OverloadedLinks))])).FirstOrDefault())
        {
            Decisions = [.. repository.Decisions.List(null, 20).Select(d => new DecisionView(
                d.DecisionId, d.State, d.AgentId, d.LinkId, CapacityView.DiscoveredLink(d.AgentId, d.Cells, linkOfCell), d.Action, d.FromGbps, d.ToGbps, d.NeededGbps, d.CostDeltaPerMonth, double.IsNaN(d.EffectLossPercent) ? null : Math.Round(d.EffectLossPercent, 3), d.Justification, d.Policy, d.Outcome, d.UpdatedUnixMs))],
            Scenario = repository.Runs.Scenarios(1).Select(r => new ScenarioView(
                r.RunId,
                r.AtUnixMs,
                r.RequestedBy,
                r.State,
                r.Outcomes.Count,
                [.. r.Outcomes
                    .Select(o => (o, Worst: o.Links.OrderByDescending(l => l.BrokenPercent).FirstOrDefault()))
                    .OrderByDescending(x => x.o.SlaViolations).ThenByDescending(x => x.o.UnreachablePercent).ThenByDescending(x => x.Worst?.BrokenPercent ?? 0)
                    .Take(10)
                    .Select(x => new ScenarioRowView(x.o.Name, x.o.UnreachablePercent, x.Worst?.Link ?? "-", Math.Round(x.Worst?.BrokenPercent ?? 0, 2), x.o.SlaViolations, x.o.CostPerMonth, x.o.Notes))])).FirstOrDefault(),
        };
    }
}
