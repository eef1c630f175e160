namespace NetworkTwin.Analytics.Resilience;

/// <summary>What one failure does to the network.</summary>
/// <param name="Components">Connected parts the surviving nodes fall into.</param>
/// <param name="NodesCutOff">Surviving nodes outside the largest part.</param>
/// <param name="LostPairsPercent">Ordered pairs of surviving nodes that had a path and no longer have one.</param>
/// <param name="UnreachableDemandGbps">Demand with no path (including demand to or from a failed node).</param>
/// <param name="AverageStretch">Average hops after over before, on the pairs still connected.</param>
/// <param name="MaxExtraHops">Largest increase in hops of one pair.</param>
/// <param name="WorstUtilisation">Highest load over capacity of any link after re-routing (ECMP); null without demands.</param>
/// <param name="WorstLink">The link carrying it.</param>
/// <param name="OverloadedLinks">Links loaded above their capacity.</param>
public sealed record ScenarioOutcome(
    FailureScenario Scenario,
    int Components,
    int NodesCutOff,
    double LostPairsPercent,
    double UnreachableDemandGbps,
    double AverageStretch,
    int MaxExtraHops,
    double? WorstUtilisation,
    int? WorstLink,
    int OverloadedLinks)
{
    /// <summary>Orders outcomes worst first: lost demand, then lost pairs, then overload, then stretch.</summary>
    public static int CompareSeverity(ScenarioOutcome a, ScenarioOutcome b)
    {
        var c = b.UnreachableDemandGbps.CompareTo(a.UnreachableDemandGbps);
        if (c == 0)
        {
            c = b.LostPairsPercent.CompareTo(a.LostPairsPercent);
        }

        if (c == 0)
        {
            c = (b.WorstUtilisation ?? 0).CompareTo(a.WorstUtilisation ?? 0);
        }

        if (c == 0)
        {
            c = b.AverageStretch.CompareTo(a.AverageStretch);
        }

        return c;
    }

    /// <summary>True when the failure costs anything at all.</summary>
    public bool Hurts => UnreachableDemandGbps > 0 || LostPairsPercent > 0 || OverloadedLinks > 0 || MaxExtraHops > 0;
}
