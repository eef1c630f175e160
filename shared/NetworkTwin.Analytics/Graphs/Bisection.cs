namespace NetworkTwin.Analytics.Graphs;

/// <summary>
/// Bisection capacity: the capacity across the weakest cut into two halves of equal size. Finding
/// the true minimum is NP-hard, so this returns the best of several starts (split by longitude,
/// by latitude, by node order, at random) each refined by Fiduccia-Mattheyses passes: an upper
/// bound on the true bisection, exact on small regular networks. Links without a capacity count 1.
/// </summary>
public static class Bisection
{
    private const int Passes = 6;

    /// <summary>Each pass is O(n^2): above this many nodes no estimate is made.</summary>
    public const int MaxNodes = 3000;

    /// <summary>The estimate, or null for networks over <see cref="MaxNodes"/>.</summary>
    public static double? Estimate(Network network, CsrGraph graph)
    {
        var n = network.NodeCount;
        if (n < 2)
        {
            return 0;
        }

        if (n > MaxNodes)
        {
            return null;
        }

        var weight = network.Links.Select(l => l.CapacityGbps ?? 1).ToArray();
        List<int[]> starts =
        [
            Order(network, v => network.Nodes[v].Longitude ?? v),
            Order(network, v => network.Nodes[v].Latitude ?? v),
            [.. Enumerable.Range(0, n)],
        ];
        var random = new Random(7);
        for (var k = 0; k < 3; k++)
        {
            starts.Add([.. Enumerable.Range(0, n).OrderBy(_ => random.Next())]);
        }

        return starts.Min(order =>
        {
            var side = new bool[n];
            for (var i = n / 2; i < n; i++)
            {
                side[order[i]] = true;
            }

            return Refine(graph, weight, side);
        });
    }

    private static int[] Order(Network network, Func<int, double> key) => [.. Enumerable.Range(0, network.NodeCount).OrderBy(key)];

    private static double Cut(CsrGraph g, double[] weight, bool[] side)
    {
        var cut = 0.0;
        for (var u = 0; u < g.NodeCount; u++)
        {
            for (var a = g.Start[u]; a < g.Start[u + 1]; a++)
            {
                if (side[u] != side[g.Neighbour[a]])
                {
                    cut += weight[g.LinkOf[a]];
                }
            }
        }

        return cut / 2;
    }

    /// <summary>FM passes: move the best-gain unlocked node from alternating sides, keep the best prefix.</summary>
    private static double Refine(CsrGraph g, double[] weight, bool[] side)
    {
        var n = g.NodeCount;
        var gain = new double[n];
        var locked = new bool[n];
        var best = Cut(g, weight, side);
        for (var pass = 0; pass < Passes; pass++)
        {
            Array.Clear(locked);
            for (var u = 0; u < n; u++)
            {
                gain[u] = Gain(g, weight, side, u);
            }

            var moves = new List<int>();
            var current = best;
            var bestCut = best;
            var bestPrefix = 0;
            var fromTrue = side.Count(s => s) > n / 2;
            for (var step = 0; step < n; step++)
            {
                var pick = -1;
                for (var u = 0; u < n; u++)
                {
                    if (!locked[u] && side[u] == fromTrue && (pick < 0 || gain[u] > gain[pick]))
                    {
                        pick = u;
                    }
                }

                if (pick < 0)
                {
                    break;
                }

                current -= gain[pick];
                side[pick] = !side[pick];
                locked[pick] = true;
                moves.Add(pick);
                for (var a = g.Start[pick]; a < g.Start[pick + 1]; a++)
                {
                    var v = g.Neighbour[a];
                    gain[v] = Gain(g, weight, side, v);
                }

                // Balanced after every second move (sizes differ by at most one).
                if (step % 2 == 1 && current < bestCut - 1e-9)
                {
                    bestCut = current;
                    bestPrefix = moves.Count;
                }

                fromTrue = !fromTrue;
            }

            // Undo the moves after the best balanced prefix.
            for (var i = moves.Count - 1; i >= bestPrefix; i--)
            {
                side[moves[i]] = !side[moves[i]];
            }

            if (bestCut >= best - 1e-9)
            {
                break;
            }

            best = bestCut;
        }

        return best;
    }

    private static double Gain(CsrGraph g, double[] weight, bool[] side, int u)
    {
        var gain = 0.0;
        for (var a = g.Start[u]; a < g.Start[u + 1]; a++)
        {
            gain += side[g.Neighbour[a]] != side[u] ? weight[g.LinkOf[a]] : -weight[g.LinkOf[a]];
        }

        return gain;
    }
}
