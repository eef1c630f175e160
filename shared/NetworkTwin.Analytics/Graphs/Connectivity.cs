namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Link and node connectivity of a connected undirected graph by unit-capacity maximum flows
/// (augmenting paths found by BFS). Each flow stops at the best answer so far, so on real
/// networks (many nodes of degree 1 or 2) it is cheap.
/// </summary>
public static class Connectivity
{
    /// <summary>Fewest links whose removal disconnects the graph: min over t of maxflow(0, t).</summary>
    public static int Links(CsrGraph g) => MinLinkCut(g).Value;

    /// <summary>Fewest nodes whose removal disconnects the graph.</summary>
    public static int Nodes(CsrGraph g) => MinNodeCut(g).Value;

    /// <summary>
    /// The link connectivity and one side of a minimum link cut (null when the graph has fewer
    /// than 2 nodes): adding a link across that cut raises the count of links it takes.
    /// </summary>
    public static (int Value, bool[]? Side) MinLinkCut(CsrGraph g)
    {
        var n = g.NodeCount;
        if (n < 2)
        {
            return (0, null);
        }

        // A node of least degree is a cut by itself; flows look for a smaller or equal one elsewhere.
        var weakest = Enumerable.Range(0, n).MinBy(g.Degree);
        var best = g.Degree(weakest);
        var side = new bool[n];
        side[weakest] = true;
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

            var value = flow.MaxFlow(0, t, best);
            if (value < best)
            {
                best = value;
                var reach = flow.Reachable(0);
                side = reach[..n];
            }
        }

        return (best, side);
    }

    /// <summary>
    /// Fewest nodes whose removal disconnects the graph (n - 1 for a complete graph), by Even's
    /// method: node-disjoint paths (node splitting) from each of the first k + 1 nodes to every
    /// node not adjacent to it. Also returns the two sides of a minimum node cut (nodes of the
    /// cut itself are in neither), or nulls when no cut smaller than the least degree exists.
    /// </summary>
    public static (int Value, bool[]? SourceSide, bool[]? SinkSide) MinNodeCut(CsrGraph g)
    {
        var n = g.NodeCount;
        var best = n - 1;
        for (var v = 0; v < n; v++)
        {
            best = Math.Min(best, g.Degree(v));
        }

        var weakest = n > 0 ? Enumerable.Range(0, n).MinBy(g.Degree) : 0;
        bool[]? sourceSide = null;
        bool[]? sinkSide = null;
        if (n > 0 && best < n - 1)
        {
            // The least-degree node against everything beyond its neighbours.
            sourceSide = new bool[n];
            sourceSide[weakest] = true;
            sinkSide = new bool[n];
            for (var v = 0; v < n; v++)
            {
                sinkSide[v] = v != weakest;
            }

            for (var a = g.Start[weakest]; a < g.Start[weakest + 1]; a++)
            {
                sinkSide[g.Neighbour[a]] = false;
            }
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

                var value = flow.MaxFlow(n + s, t, best);
                if (value < best)
                {
                    best = value;

                    // In the residual graph: v_in reachable but v_out not = v is in the cut.
                    var reach = flow.Reachable(n + s);
                    sourceSide = new bool[n];
                    sinkSide = new bool[n];
                    for (var v = 0; v < n; v++)
                    {
                        var inCut = reach[v] && !reach[n + v];
                        sourceSide[v] = !inCut && (reach[n + v] || v == s);
                        sinkSide[v] = !inCut && !sourceSide[v];
                    }
                }
            }
        }

        return (best, sourceSide, sinkSide);
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

        /// <summary>Nodes reachable from s over arcs with capacity left (after a max flow: the source side of a min cut).</summary>
        public bool[] Reachable(int s)
        {
            var seen = new bool[_out.Length];
            var stack = new Stack<int>([s]);
            seen[s] = true;
            while (stack.Count > 0)
            {
                var u = stack.Pop();
                foreach (var arc in _out[u])
                {
                    if (_capacity[arc] > 0 && !seen[_to[arc]])
                    {
                        seen[_to[arc]] = true;
                        stack.Push(_to[arc]);
                    }
                }
            }

            return seen;
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
