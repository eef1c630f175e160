using NetworkTwin.Central.Repository;

namespace NetworkTwin.Central.Control;

/// <summary>
/// One agent link's ten-second rollups over a lookback, oldest first: all of them, and those whose every window came after
/// the link's first <c>settleSeconds</c>. A link's first windows are partial (cells still arriving, too few samples to
/// clean outliers: the demo once sized one at 1,413 Gbit/s), so what a link needs is read from the settled ones. Read
/// from the rollups, the lookback costs O(links x buckets) however many windows the agents sent.
/// </summary>
internal sealed record LinkWindows(string AgentId, int LinkId, long FirstUnixMs, IReadOnlyList<LinkRollup> All, IReadOnlyList<LinkRollup> Settled)
{
    /// <summary>Every agent link's ten seconds with windows produced since <paramref name="sinceUnixMs"/>, by agent and link.</summary>
    public static IReadOnlyList<LinkWindows> Read(CoordinatorRepository repository, long sinceUnixMs, double settleSeconds)
    {
        ArgumentNullException.ThrowIfNull(repository);
        // The repository applies the settle rule (the control pass's, in one place) and marks each bucket.
        return [.. repository.Results.SettledRollups(sinceUnixMs, settleSeconds)
            .GroupBy(r => (r.Rollup.AgentId, r.Rollup.LinkId))
            .OrderBy(g => g.Key.AgentId, StringComparer.Ordinal).ThenBy(g => g.Key.LinkId)
            .Select(g => new LinkWindows(g.Key.AgentId, g.Key.LinkId, g.First().SinceUnixMs, [.. g.Select(r => r.Rollup)], [.. g.Where(r => r.Settled).Select(r => r.Rollup)]))];
    }
}
