namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Link and node connectivity of a connected undirected graph by unit-capacity maximum flows
/// (augmenting paths found by BFS). Each flow stops at the best answer so far, so on real
/// networks (many nodes of degree 1 or 2) it is cheap.
/// </summary>
public static class Connectivity
{
    /// <summary>Fewest links whose removal disconnects the graph: min over t of maxflow(0, t).</summary>
    public static int Links(CsrGraph g)
    {
        var n = g.NodeCount;
        if (n < 2)
        {
            return 0;
        }

        var best = Enumerable.Range(0, n).Min(g.Degree);
        var flow = new UnitFlow(2 * n, g.Neighbour.Length * 2);
        for (var t = 1; t < n && best > 0; t++)
        {
            flow.Reset();
            for (var u = 0; u < n; u++)
            {
                for (var a = g.Start[u]; a < g.Start[u + 1]; a++)
                {
                    flow.AddArc(u, g.Neighbour[a]);
                }
            }

            best = Math.Min(best, flow.MaxFlow(0, t, best));
        }

        return best;
    }

    /// <summary>
    /// Fewest nodes whose removal disconnects the graph (n - 1 for a complete graph), by Even's
    /// method: node-disjoint paths (node splitting) from each of the first k + 1 nodes to every
    /// node not adjacent to it.
    /// </summary>
    public static int Nodes(CsrGraph g)
    {
        var n = g.NodeCount;
        var best = n - 1;
        for (var v = 0; v < n; v++)
        {
            best = Math.Min(best, g.Degree(v));
        }

        var flow = new UnitFlow(2 * n, (g.Neighbour.Length + n) * 2);
        var adjacent = new bool[n];
        for (var s = 0; s <= best && s < n; s++)
        {
            Array.Clear(adjacent);
            for (var a = g.Start[s]; a < g.Start[s + 1]; a++)
            {
                adjacent[g.Neighbour[a]] = true;
            }

            for (var t = s + 1; t < n && best > 0; t++)
            {
                if (adjacent[t])
                {
                    continue;
                }

                // Node v becomes v_in (v) -> v_out (n + v) with capacity 1; links join out to in.
                flow.Reset();
                for (var v = 0; v < n; v++)
                {
                    flow.AddArc(v, n + v);
                    for (var a = g.Start[v]; a < g.Start[v + 1]; a++)
                    {
                        flow.AddArc(n + v, g.Neighbour[a]);
                    }
                }

                best = Math.Min(best, flow.MaxFlow(n + s, t, best));
            }
        }

        return best;
    }

    /// <summary>A directed unit-capacity flow network with reverse residual arcs.</summary>
    private sealed class UnitFlow(int nodes, int maxArcs)
    {
        private readonly List<int>[] _out = [.. Enumerable.Range(0, nodes).Select(_ => new List<int>())];
        private readonly int[] _to = new int[2 * maxArcs];
        private readonly int[] _capacity = new int[2 * maxArcs];
        private readonly int[] _parentArc = new int[nodes];
        private readonly int[] _queue = new int[nodes];
        private int _arcs;

        public void Reset()
        {
            foreach (var list in _out)
            {
                list.Clear();
            }

            _arcs = 0;
        }

        public void AddArc(int from, int to)
        {
            _to[_arcs] = to;
            _capacity[_arcs] = 1;
            _out[from].Add(_arcs++);
            _to[_arcs] = from;
            _capacity[_arcs] = 0;
            _out[to].Add(_arcs++);
        }

        /// <summary>Maximum flow from s to t, stopping once it reaches <paramref name="limit"/>.</summary>
        public int MaxFlow(int s, int t, int limit)
        {
            var flow = 0;
            while (flow < limit && Augment(s, t))
            {
                flow++;
            }

            return flow;
        }

        private bool Augment(int s, int t)
        {
            Array.Fill(_parentArc, -1);
            _parentArc[s] = -2;
            var head = 0;
            var tail = 0;
            _queue[tail++] = s;
            while (head < tail)
            {
                var u = _queue[head++];
                foreach (var arc in _out[u])
                {
                    var v = _to[arc];
                    if (_capacity[arc] == 0 || _parentArc[v] != -1)
                    {
                        continue;
                    }

                    _parentArc[v] = arc;
                    if (v == t)
                    {
                        // Walk back along the path, moving one unit onto the reverse arcs.
                        for (var x = t; x != s; x = _to[_parentArc[x] ^ 1])
                        {
                            _capacity[_parentArc[x]]--;
                            _capacity[_parentArc[x] ^ 1]++;
                        }

                        return true;
                    }

                    _queue[tail++] = v;
                }
            }

            return false;
        }
    }
}
