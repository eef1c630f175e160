namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// All-pairs hop counts of one state of a network, summarised. Pairs are ordered (s, t), s != t.
/// The stretch fields compare with the baseline (intact) network and are 0 without one.
/// </summary>
/// <param name="ReachablePairs">Ordered pairs with a path.</param>
/// <param name="TotalHops">Sum of shortest-path hop counts over those pairs.</param>
/// <param name="Diameter">Longest shortest path among them.</param>
/// <param name="LongerPairs">Pairs whose shortest path got longer than in the baseline.</param>
/// <param name="ExtraHops">Sum of the extra hops over those pairs.</param>
/// <param name="MaxExtraHops">Largest increase of one pair.</param>
public readonly record struct HopSummary(long ReachablePairs, long TotalHops, int Diameter, long LongerPairs, long ExtraHops, int MaxExtraHops)
{
    public double AveragePathLength => ReachablePairs == 0 ? 0 : (double)TotalHops / ReachablePairs;

    /// <summary>Average hops after over average hops before, on the pairs still connected.</summary>
    public double AverageStretch => TotalHops - ExtraHops <= 0 ? 1 : (double)TotalHops / (TotalHops - ExtraHops);
}
