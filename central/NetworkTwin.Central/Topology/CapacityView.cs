using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Topology;
using SyncCell = NetworkTwin.Contracts.Sync.CellWindow;

namespace NetworkTwin.Central.Topology;

/// <summary>
/// Joins the discovered link map with the agents' latest results. Each agent sizes the link for
/// the cells it serves; a link shared by several agents gets the sum of their sizings, which is an
/// upper bound (it forgoes the multiplexing gain between the agents' cells). A link none of whose
/// agents' sizings falls to it (each agent link goes to the discovered link most of its cells are on)
/// has no known capacity: NaN, which operators see as "unknown", never 0.
/// </summary>
internal static class CapacityView
{
    public static CapacityList Build(
        TopologyMap map,
        IReadOnlyList<LinkSummary> agentLinks,
        IReadOnlyList<(string AgentId, string Site, long ProducedUnixMs, SyncCell Cell)> cells)
    {
        var list = new CapacityList { TopologyVersion = map.Version };
        var linkOfCell = LinkOfCell(map);
        var views = map.Links.ToDictionary(
            l => l.LinkId,
            l => new LinkCapacityView { LinkId = l.LinkId, Cells = l.Cells.Count, MaxLossPercent = double.NaN, ProducedUnixMs = long.MaxValue });
        foreach (var l in map.Links)
        {
            views[l.LinkId].Agents.AddRange(l.Agents);
        }

        foreach (var (agent, _, produced, cell) in cells)
        {
            if (linkOfCell.TryGetValue((agent, cell.CellId), out var id))
            {
                var view = views[id];
                view.MeanGbps += cell.MeanGbps;
                if (!double.IsNaN(cell.LossPercent))
                {
                    view.MaxLossPercent = double.IsNaN(view.MaxLossPercent) ? cell.LossPercent : Math.Max(view.MaxLossPercent, cell.LossPercent);
                }

                view.ProducedUnixMs = Math.Min(view.ProducedUnixMs, produced);
            }
        }

        var sized = new HashSet<int>();
        foreach (var summary in agentLinks)
        {
            if (DiscoveredLink(summary.AgentId, summary.Link.Cells, linkOfCell) is { } target)
            {
                sized.Add(target);
                views[target].CapacityGbps += summary.Link.CapacityGbps;
                views[target].PeakGbps += summary.Link.PeakGbps;
                views[target].ProducedUnixMs = Math.Min(views[target].ProducedUnixMs, summary.ProducedUnixMs);
            }
        }

        foreach (var view in views.Values.OrderBy(v => v.LinkId))
        {
            view.ProducedUnixMs = view.ProducedUnixMs == long.MaxValue ? 0 : view.ProducedUnixMs;
            if (!sized.Contains(view.LinkId))
            {
                (view.CapacityGbps, view.PeakGbps) = (double.NaN, double.NaN);
            }

            list.Links.Add(view);
        }

        return list;
    }

    /// <summary>The discovered link of every (agent, cell) on the map.</summary>
    public static Dictionary<(string AgentId, int CellId), int> LinkOfCell(TopologyMap map) =>
        map.Links.SelectMany(l => l.Cells.Select(c => (Key: (c.Cell.AgentId, c.Cell.CellId), l.LinkId))).ToDictionary(x => x.Key, x => x.LinkId);

    /// <summary>An agent's own link belongs to the discovered link most of its cells are on (null: none of them is on the map).</summary>
    public static int? DiscoveredLink(string agentId, IEnumerable<int> cells, IReadOnlyDictionary<(string AgentId, int CellId), int> linkOfCell) =>
        cells.Select(c => linkOfCell.TryGetValue((agentId, c), out var id) ? id : (int?)null)
            .OfType<int>()
            .GroupBy(id => id)
            .OrderByDescending(g => g.Count())
            .Select(g => (int?)g.Key)
            .FirstOrDefault();
}
