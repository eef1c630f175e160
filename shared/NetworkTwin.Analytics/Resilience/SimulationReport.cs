using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Resilience;

/// <summary>One kind of failure, all its scenarios summarised.</summary>
/// <param name="Simulated">Scenarios run.</param>
/// <param name="Possible">Scenarios that exist (more than simulated when sampled).</param>
/// <param name="Partitioning">Scenarios that split the surviving nodes.</param>
/// <param name="Confidence">For a sample: the 95% interval of the share that partitions.</param>
public sealed record KindSummary(FailureKind Kind, int Simulated, long Possible, int Partitioning, int Hurting, double ElapsedSeconds, string? Confidence);

/// <summary>The failure simulation of one network.</summary>
public sealed record SimulationReport(
    string Network,
    int Nodes,
    int Links,
    int BaselineComponents,
    HopSummary Baseline,
    double? BaselineWorstUtilisation,
    IReadOnlyList<KindSummary> Kinds,
    IReadOnlyList<ScenarioOutcome> Outcomes)
{
    /// <summary>The outcomes that hurt, worst first.</summary>
    public IEnumerable<ScenarioOutcome> WorstFirst()
    {
        var list = Outcomes.Where(o => o.Hurts).ToList();
        list.Sort(ScenarioOutcome.CompareSeverity);
        return list;
    }
}
