using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Resilience;
using static System.FormattableString;
using Msg = NetworkTwin.Contracts.Design;
using Ops = NetworkTwin.Contracts.Operators;

namespace NetworkTwin.Analytics.Design;

/// <summary>
/// The design twin's five operations, each returning what the design history keeps of it: the same code runs in the
/// CLI on its own and in the coordinator for the operators' API, so a design recorded either way reads the same.
/// </summary>
public static class DesignOperations
{
    /// <summary>Progress of a long run: the stage, and how far into it.</summary>
    public readonly record struct RunProgress(string Stage, int Done, int Total);

    /// <summary>Measures an imported network.</summary>
    public static Msg.DesignRecord Validate(Network network)
    {
        var m = NetworkMetrics.Measure(network);
        var figures = new Msg.NetworkFigures
        {
            Nodes = m.Nodes,
            Links = m.Links,
            Components = m.Components,
            Diameter = m.Diameter,
            AveragePathLength = m.AveragePathLength,
            LinkConnectivity = m.LinkConnectivity,
            NodeConnectivity = m.NodeConnectivity,
            TotalDemandGbps = m.TotalDemandGbps,
        };
        Set(m.BisectionGbps, v => figures.BisectionGbps = v);
        Set(m.TotalCost, v => figures.TotalCost = v);
        Set(m.TotalCapacityGbps, v => figures.TotalCapacityGbps = v);
        var record = OnNetwork("validate", network);
        record.Figures = figures;
        record.Summary = Invariant($"{m.Components} part(s), connectivity {m.LinkConnectivity}/{m.NodeConnectivity}");
        return record;
    }

    /// <summary>Fails the network's links, nodes, risk groups and link pairs; the record holds the summary the dashboard shows.</summary>
    public static (Msg.DesignRecord Record, SimulationReport Report) Simulate(Network network, SimulationOptions options, IProgress<RunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var report = FailureSimulator.Simulate(network, options, progress is null ? null : new DirectProgress<(string Stage, int Done, int Total)>(p => progress.Report(new RunProgress($"{p.Stage} failures", p.Done, p.Total))), cancellationToken);
        var record = OnNetwork("simulate", network);
        record.Simulation = SimulationSummary(report);
        record.Summary = string.Join("; ", report.Kinds.Select(k => Invariant($"{k.Kind}: {k.Partitioning} of {k.Simulated} split it")));
        return (record, report);
    }

    /// <summary>The summary of a failure simulation: every kind, and the 50 worst failures.</summary>
    private static Ops.DesignRun SimulationSummary(SimulationReport report)
    {
        var run = new Ops.DesignRun { Network = report.Network.Length > 200 ? report.Network[..200] : report.Network, Nodes = report.Nodes, Links = report.Links };
        run.Kinds.AddRange(report.Kinds.Select(k => new Ops.DesignKind { Kind = k.Kind.ToString(), Simulated = k.Simulated, Possible = k.Possible, Partitioning = k.Partitioning, Hurting = k.Hurting }));
        run.Worst.AddRange(report.WorstFirst().Take(50).Select(o => new Ops.DesignFailure
        {
            Scenario = o.Scenario.Label,
            Kind = o.Scenario.Kind.ToString(),
            Components = o.Components,
            LostPairsPercent = o.LostPairsPercent,
            UnreachableDemandGbps = o.UnreachableDemandGbps,
            WorstUtilisation = o.WorstUtilisation ?? double.NaN,
            OverloadedLinks = o.OverloadedLinks,
        }));
        return run;
    }

    /// <summary>Lays a pattern over the intent's sites and sizes it; throws ArgumentException when the pattern does not fit.</summary>
    public static Msg.DesignRecord Generate(ExpandedIntent intent, TopologyPattern pattern, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var why = TopologyGenerator.NotApplicable(pattern, intent);
        if (why is not null)
        {
            throw new ArgumentException($"pattern {pattern} does not fit this intent: {why}.");
        }

        var (layout, log) = TopologyGenerator.Generate(pattern, intent);
        var design = DesignSizer.Size(intent, pattern, layout, log, maxParallelism, cancellationToken);
        var record = OnDesign("generate", intent, design, keepIntent: true);
        record.Summary = design.MeetsConstraints ? "meets constraints" : string.Join("; ", design.Violations);
        return record;
    }

    /// <summary>Ranks every pattern for the intent; one record per option, best first, each with its rank, score and confidence.</summary>
    public static (IReadOnlyList<Msg.DesignRecord> Options, Recommendation Recommendation) Recommend(
        ExpandedIntent intent, IReadOnlyList<DesignOutcome> history, IProgress<RunProgress>? progress = null, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var total = Enum.GetValues<TopologyPattern>().Length;
        var done = 0;
        var recommendation = DesignRecommender.Recommend(
            intent,
            history,
            progress is null ? null : new DirectProgress<string>(stage => progress.Report(new RunProgress(stage, done++, total))),
            maxParallelism,
            cancellationToken);
        var records = recommendation.Options.Select(o =>
        {
            var record = OnDesign("recommend", intent, o.Design, keepIntent: o.Rank == 1);
            record.Score = o.Score;
            record.Confidence = o.Confidence;
            record.Rank = o.Rank;
            Set(o.HistoryScore, v => record.HistoryScore = v);
            record.Rationale = o.Rationale;
            record.TradeOffs = o.TradeOffs;
            record.Summary = Invariant($"rank {o.Rank}, confidence {o.Confidence:0.00}");
            return record;
        }).ToList();
        return (records, recommendation);
    }

    /// <summary>Sizes the pattern, then improves it under the intent; the record holds every trial with its reason.</summary>
    public static Msg.DesignRecord Optimize(ExpandedIntent intent, TopologyPattern pattern, int maxTrials, IProgress<RunProgress>? progress = null, int maxParallelism = -1, CancellationToken cancellationToken = default)
    {
        var (layout, log) = TopologyGenerator.Generate(pattern, intent);
        var start = DesignSizer.Size(intent, pattern, layout, log, maxParallelism, cancellationToken);
        var (result, audit) = DesignOptimizer.Optimize(
            intent,
            start,
            maxTrials,
            progress is null ? null : new DirectProgress<(int Done, int Total)>(p => progress.Report(new RunProgress("trials", p.Done, p.Total))),
            maxParallelism,
            cancellationToken);
        var record = OnDesign("optimize", intent, result, keepIntent: true);
        record.StartScores = Scores(start.Scores);
        record.Steps.AddRange(audit.Select(a => new Msg.OptimizationStep
        {
            Step = a.Step,
            Action = a.Action,
            Accepted = a.Accepted,
            Reason = a.Reason,
            CostBefore = a.CostBefore,
            CostAfter = a.CostAfter,
            MaxLatencyBeforeMs = a.MaxLatencyBefore,
            MaxLatencyAfterMs = a.MaxLatencyAfter,
        }));
        record.Summary = Invariant($"{audit.Count(a => a.Accepted)} of {audit.Count} changes kept");
        return record;
    }

    /// <summary>
    /// How a built design turned out against what its record expected: the score scaled by expected over actual cost
    /// and worst latency (the worse of the two given, between 0 and 1.2; 1 when neither is), so an overrun lowers what the pattern is credited with.
    /// </summary>
    public static double RealisedScore(Msg.DesignRecord record, double? actualCost, double? actualMaxLatencyMs)
    {
        var factor = Math.Min(
            actualCost is > 0 && record.Scores is { Cost: > 0 } c ? c.Cost / actualCost.Value : double.PositiveInfinity,
            actualMaxLatencyMs is > 0 && record.Scores is { MaxLatencyMs: > 0 } m ? m.MaxLatencyMs / actualMaxLatencyMs.Value : double.PositiveInfinity);
        if (double.IsPositiveInfinity(factor))
        {
            factor = 1;
        }

        return Math.Round((record.HasScore ? record.Score : 1.0) * Math.Clamp(factor, 0, 1.2), 4);
    }

    public static Msg.IntentFeatures Features(IntentFeatures f) => new()
    {
        Sites = f.Sites,
        Regions = f.Regions,
        Redundancy = f.Redundancy.ToString(),
        Objective = f.Objective.ToString(),
        TotalDemandGbps = f.TotalDemandGbps,
    };

    public static IntentFeatures? Features(Msg.IntentFeatures f) =>
        Enum.TryParse<Redundancy>(f.Redundancy, out var redundancy) && Enum.TryParse<Objective>(f.Objective, out var objective)
            ? new IntentFeatures(f.Sites, f.Regions, redundancy, objective, f.TotalDemandGbps)
            : null;

    public static Msg.DesignScores Scores(DesignScores s)
    {
        var scores = new Msg.DesignScores
        {
            Cost = s.Cost,
            MaxLatencyMs = s.MaxLatencyMs,
            AverageLatencyMs = s.AverageLatencyMs,
            Diameter = s.Diameter,
            LinkConnectivity = s.LinkConnectivity,
            NodeConnectivity = s.NodeConnectivity,
            Survivability = s.Survivability,
            FailuresTried = s.FailuresTried,
        };
        scores.SplittingRisks.AddRange(s.SplittingRisks);
        return scores;
    }

    private static Msg.DesignRecord OnNetwork(string operation, Network network) => new()
    {
        Operation = operation,
        IntentName = Clip(network.Name),
        Nodes = network.NodeCount,
        Links = network.LinkCount,
        Features = Features(new IntentFeatures(network.NodeCount, 0, Redundancy.None, Objective.Cost, Math.Round(network.Demands.Sum(d => d.Gbps), 3))),
    };

    private static Msg.DesignRecord OnDesign(string operation, ExpandedIntent intent, DesignResult design, bool keepIntent)
    {
        var record = new Msg.DesignRecord
        {
            Operation = operation,
            IntentName = Clip(intent.Intent.Name),
            Features = Features(IntentFeatures.Of(intent)),
            Pattern = design.Pattern.ToString(),
            Nodes = design.Network.NodeCount,
            Links = design.Network.LinkCount,
            MetConstraints = design.MeetsConstraints,
            Scores = Scores(design.Scores),
            IntentJson = keepIntent ? IntentJson.Write(intent.Intent) : string.Empty,
            // The topology as designed; its demands are the intent's (kept beside it), tens of thousands on a national intent.
            NetworkJson = NetworkJson.Write(design.Network with { Demands = [] }),
            LinksSummary = string.Join(", ", design.Links.GroupBy(l => l.Type).Select(g => Invariant($"{g.Sum(l => l.Circuits)} x {g.Key}"))),
        };
        record.Violations.AddRange(design.Violations);
        record.Log.AddRange(design.Log);
        return record;
    }

    private static string Clip(string name) => name.Length > 200 ? name[..200] : name;

    private static void Set(double? value, Action<double> set)
    {
        if (value is { } v)
        {
            set(v);
        }
    }
}
