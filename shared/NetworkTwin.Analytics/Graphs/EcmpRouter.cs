namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Routes demands on shortest paths (hop count) with equal-cost multipath: at every node the
/// traffic towards a destination splits equally over the neighbours one hop closer to it (as
/// per-destination ECMP forwarding does). Pure; one instance per thread (it reuses buffers).
/// </summary>
public sealed class EcmpRouter
{
    private readonly CsrGraph _graph;
    private readonly IReadOnlyList<Demand>[] _byTarget;
    private readonly int[] _distance;
    private readonly int[] _queue;
    private readonly double[] _inflow;

    public EcmpRouter(CsrGraph graph, IReadOnlyList<Demand> demands)
    {
        _graph = graph;
        var lists = new List<Demand>[graph.NodeCount];
        foreach (var d in demands)
        {
            if (d.Source != d.Target && d.Gbps > 0)
            {
                (lists[d.Target] ??= []).Add(d);
            }
        }

        _byTarget = [.. lists.Select(l => (IReadOnlyList<Demand>)(l ?? []))];
        _distance = new int[graph.NodeCount];
        _queue = new int[graph.NodeCount];
        _inflow = new double[graph.NodeCount];
    }

    /// <summary>
    /// Fills <paramref name="linkLoadGbps"/> per direction (index 2 x link for A to B, +1 for B
    /// to A; links are full duplex) and returns the demand that has no path, in Gbit/s.
    /// </summary>
    public double Route(ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown, Span<double> linkLoadGbps)
    {
        linkLoadGbps.Clear();
        var unreachable = 0.0;
        var start = _graph.Start;
        var neighbour = _graph.Neighbour;
        for (var t = 0; t < _graph.NodeCount; t++)
        {
            var demands = _byTarget[t];
            if (demands.Count == 0)
            {
                continue;
            }

            if (!nodeDown.IsEmpty && nodeDown[t])
            {
                unreachable += demands.Sum(d => d.Gbps);
                continue;
            }

            var tail = DistancesTo(t, linkDown, nodeDown);
            Array.Clear(_inflow);
            foreach (var d in demands)
            {
                if (_distance[d.Source] < 0)
                {
                    unreachable += d.Gbps;
                }
                else
                {
                    _inflow[d.Source] += d.Gbps;
                }
            }

            // Farthest first, so each node forwards everything that reached it.
            for (var k = tail - 1; k > 0; k--)
            {
                var v = _queue[k];
                if (_inflow[v] == 0)
                {
                    continue;
                }

                var hops = 0;
                for (var a = start[v]; a < start[v + 1]; a++)
                {
                    if (IsNextHop(a, v, linkDown))
                    {
                        hops++;
                    }
                }

                var share = _inflow[v] / hops;
                for (var a = start[v]; a < start[v + 1]; a++)
                {
                    if (IsNextHop(a, v, linkDown))
                    {
                        linkLoadGbps[_graph.DirectedIndex(a)] += share;
                        _inflow[neighbour[a]] += share;
                    }
                }
            }
        }

        return unreachable;
    }

    /// <summary>
    /// The forwarding <see cref="Route"/> does, as tables: for each destination and each node that reaches it, the
    /// links it splits that traffic over equally ([destination][node], empty where the node is the destination or
    /// has no path). A packet-level simulator fed these routes exactly as the twin does.
    /// </summary>
    public int[][][] NextHops(ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown)
    {
        var tables = new int[_graph.NodeCount][][];
        for (var t = 0; t < _graph.NodeCount; t++)
        {
            tables[t] = new int[_graph.NodeCount][];
            var live = nodeDown.IsEmpty || !nodeDown[t];
            if (live)
            {
                DistancesTo(t, linkDown, nodeDown);
            }

            for (var v = 0; v < _graph.NodeCount; v++)
            {
                var hops = new List<int>();
                if (live && v != t && _distance[v] > 0)
                {
                    for (var a = _graph.Start[v]; a < _graph.Start[v + 1]; a++)
                    {
                        if (IsNextHop(a, v, linkDown))
                        {
                            hops.Add(_graph.LinkOf[a]);
                        }
                    }
                }

                tables[t][v] = [.. hops];
            }
        }

        return tables;
    }

    /// <summary>Hop counts to <paramref name="target"/> over live arcs (BFS) into the distance buffer, -1 where there is no path; the visit order is left in the queue buffer, and its length is returned.</summary>
    private int DistancesTo(int target, ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown)
    {
        var start = _graph.Start;
        var neighbour = _graph.Neighbour;
        var linkOf = _graph.LinkOf;
        Array.Fill(_distance, -1);
        _distance[target] = 0;
        var head = 0;
        var tail = 0;
        _queue[tail++] = target;
        while (head < tail)
        {
            var u = _queue[head++];
            for (var a = start[u]; a < start[u + 1]; a++)
            {
                var v = neighbour[a];
                if (_distance[v] >= 0 || (!linkDown.IsEmpty && linkDown[linkOf[a]]) || (!nodeDown.IsEmpty && nodeDown[v]))
                {
                    continue;
                }

                _distance[v] = _distance[u] + 1;
                _queue[tail++] = v;
            }
        }

        return tail;
    }

    private bool IsNextHop(int arc, int from, ReadOnlySpan<bool> linkDown) =>
        _distance[_graph.Neighbour[arc]] == _distance[from] - 1 && (linkDown.IsEmpty || !linkDown[_graph.LinkOf[arc]]);
}
