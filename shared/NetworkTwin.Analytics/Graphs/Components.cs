namespace NetworkTwin.Analytics.Graphs;

/// <summary>Connected components of a graph with some links and nodes removed (union-find).</summary>
public static class Components
{
    /// <summary>
    /// Component label per node (-1 for a removed node) and the number of components among the
    /// remaining nodes.
    /// </summary>
    public static (int[] Label, int Count) Find(CsrGraph graph, IReadOnlyList<NetworkLink> links, ReadOnlySpan<bool> linkDown, ReadOnlySpan<bool> nodeDown)
    {
        var n = graph.NodeCount;
        var parent = new int[n];
        for (var v = 0; v < n; v++)
        {
            parent[v] = v;
        }

        for (var i = 0; i < links.Count; i++)
        {
            var l = links[i];
            if ((linkDown.Length > 0 && linkDown[i]) || (nodeDown.Length > 0 && (nodeDown[l.A] || nodeDown[l.B])))
            {
                continue;
            }

            var a = Root(parent, l.A);
            var b = Root(parent, l.B);
            if (a != b)
            {
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        var label = new int[n];
        var map = new Dictionary<int, int>();
        for (var v = 0; v < n; v++)
        {
            if (nodeDown.Length > 0 && nodeDown[v])
            {
                label[v] = -1;
                continue;
            }

            var r = Root(parent, v);
            if (!map.TryGetValue(r, out var id))
            {
                id = map.Count;
                map[r] = id;
            }

            label[v] = id;
        }

        return (label, map.Count);
    }

    private static int Root(int[] parent, int v)
    {
        while (parent[v] != v)
        {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }

        return v;
    }
}
