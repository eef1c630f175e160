namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Compressed adjacency of an undirected network: the arcs of node v are
/// <c>[Start[v], Start[v + 1])</c>, each with its neighbour and the link it uses. Built once per
/// network; the failure simulator masks links and nodes instead of rebuilding it.
/// </summary>
public sealed class CsrGraph
{
    public CsrGraph(int nodeCount, IReadOnlyList<NetworkLink> links)
    {
        NodeCount = nodeCount;
        LinkCount = links.Count;
        Start = new int[nodeCount + 1];
        foreach (var l in links)
        {
            Start[l.A + 1]++;
            Start[l.B + 1]++;
        }

        for (var v = 0; v < nodeCount; v++)
        {
            Start[v + 1] += Start[v];
        }

        Neighbour = new int[Start[nodeCount]];
        LinkOf = new int[Start[nodeCount]];
        Reverse = new bool[Start[nodeCount]];
        var fill = Start[..nodeCount];
        for (var i = 0; i < links.Count; i++)
        {
            var l = links[i];
            Neighbour[fill[l.A]] = l.B;
            LinkOf[fill[l.A]++] = i;
            Neighbour[fill[l.B]] = l.A;
            Reverse[fill[l.B]] = true;
            LinkOf[fill[l.B]++] = i;
        }
    }

    public CsrGraph(Network network)
        : this(network.NodeCount, network.Links)
    {
    }

    public int NodeCount { get; }

    public int LinkCount { get; }

    public int[] Start { get; }

    public int[] Neighbour { get; }

    public int[] LinkOf { get; }

    /// <summary>True when the arc runs from the link's B end to its A end.</summary>
    public bool[] Reverse { get; }

    /// <summary>Index of the arc's direction in a per-direction array: 2 x link (+1 for B to A).</summary>
    public int DirectedIndex(int arc) => (2 * LinkOf[arc]) + (Reverse[arc] ? 1 : 0);

    public int Degree(int v) => Start[v + 1] - Start[v];
}
