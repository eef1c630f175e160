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
    /// <summary>The rollups read: a link waits at most this long past its settling before its need is known.</summary>
    public const int BucketSeconds = ResultRows.IngestRollupSeconds;

    /// <summary>Every agent link's ten seconds with windows produced since <paramref name="sinceUnixMs"/>, by agent and link.</summary>
    public static IReadOnlyList<LinkWindows> Read(CoordinatorRepository repository, long sinceUnixMs, double settleSeconds)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var settle = (long)(settleSeconds * 1000);
        return [.. repository.Results.LinkRollups(sinceUnixMs, BucketSeconds)
            .Where(r => r.LastUnixMs >= sinceUnixMs)
            .GroupBy(r => (r.AgentId, r.LinkId))
            .OrderBy(g => g.Key.AgentId, StringComparer.Ordinal).ThenBy(g => g.Key.LinkId)
            .Select(g =>
            {
                var all = g.ToList();
                var first = Math.Max(sinceUnixMs, all.Min(r => r.FirstUnixMs));
                return new LinkWindows(g.Key.AgentId, g.Key.LinkId, first, all, [.. all.Where(r => r.FirstUnixMs >= first + settle)]);
            })];
    }
}
