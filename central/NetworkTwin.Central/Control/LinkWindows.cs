using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Operators;

namespace NetworkTwin.Central.Control;

/// <summary>
/// One agent link's window results over a lookback, oldest first: all of them, and those after the link's
/// first <c>settleSeconds</c>. A link's first windows are partial (cells still arriving, too few samples to
/// clean outliers: the demo once sized one at 1,413 Gbit/s), so what a link needs is read from the settled ones.
/// </summary>
public sealed record LinkWindows(string AgentId, int LinkId, long FirstUnixMs, IReadOnlyList<LinkSummary> All, IReadOnlyList<LinkSummary> Settled)
{
    /// <summary>Every agent link's windows produced since <paramref name="sinceUnixMs"/> (at most the newest <paramref name="maxResults"/>), by agent and link.</summary>
    public static IReadOnlyList<LinkWindows> Read(CoordinatorRepository repository, long sinceUnixMs, double settleSeconds, int maxResults)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var settle = (long)(settleSeconds * 1000);
        return [.. repository.Results.LinkHistory(sinceUnixMs, maxResults)
            .GroupBy(l => (l.AgentId, l.Link.LinkId))
            .OrderBy(g => g.Key.AgentId, StringComparer.Ordinal).ThenBy(g => g.Key.LinkId)
            .Select(g =>
            {
                var all = g.ToList();
                var first = all.Min(l => l.ProducedUnixMs);
                return new LinkWindows(g.Key.AgentId, g.Key.LinkId, first, all, [.. all.Where(l => l.ProducedUnixMs >= first + settle)]);
            })];
    }
}
