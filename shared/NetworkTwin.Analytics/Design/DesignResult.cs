using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Design;

/// <summary>One link of a sized design: what is installed and why that much.</summary>
/// <param name="DesignLoadGbps">The highest load (one direction) over every failure the redundancy level covers.</param>
public sealed record SizedLink(int A, int B, string Type, int Circuits, double CapacityGbps, double Cost, double LengthKm, double DesignLoadGbps);

/// <summary>How a design scores against its intent.</summary>
/// <param name="Survivability">Share of the failures tried (single links, single nodes, sampled link pairs) after which every demand still has a path within capacity (demand to a failed site not counted).</param>
public sealed record DesignScores(
    double Cost,
    double MaxLatencyMs,
    double AverageLatencyMs,
    int Diameter,
    int LinkConnectivity,
    int NodeConnectivity,
    double Survivability,
    int FailuresTried)
{
    /// <summary>Shared-risk groups whose failure alone splits the design.</summary>
    public IReadOnlyList<string> SplittingRisks { get; init; } = [];
}

/// <summary>A generated (or optimised) design: its network, what it costs and does, and how it came to be.</summary>
public sealed record DesignResult(
    string Name,
    TopologyPattern Pattern,
    Network Network,
    IReadOnlyList<SizedLink> Links,
    DesignScores Scores,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> Log)
{
    public bool MeetsConstraints => Violations.Count == 0;
}
