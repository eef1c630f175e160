using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Tests.Graphs;

public class AllPairsHopsTests
{
    internal static Network RandomNetwork(int nodes, int extraLinks, int seed)
    {
        var random = new Random(seed);
        var links = new HashSet<(int, int)>();

        // A random tree plus extra links: connected, with cycles and bridges.
        for (var v = 1; v < nodes; v++)
        {
            links.Add((random.Next(v), v));
        }

        while (links.Count < nodes - 1 + extraLinks)
        {
            var a = random.Next(nodes);
            var b = random.Next(nodes);
            if (a != b)
            {
                links.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        return new Network(
            "random",
            [.. Enumerable.Range(0, nodes).Select(i => new NetworkNode($"{i}", $"n{i}"))],
            [.. links.Select(l => new NetworkLink(l.Item1, l.Item2, 10))],
            []);
    }

    /// <summary>Plain BFS from every node: the reference the bitset search must match.</summary>
    private static int[,] Reference(Network network, HashSet<int> linksDown)
    {
        var n = network.NodeCount;
        var d = new int[n, n];
        for (var s = 0; s < n; s++)
        {
            for (var t = 0; t < n; t++)
            {
                d[s, t] = -1;
            }

            d[s, s] = 0;
            var queue = new Queue<int>([s]);
            while (queue.Count > 0)
            {
                var u = queue.Dequeue();
                for (var i = 0; i < network.LinkCount; i++)
                {
                    var l = network.Links[i];
                    if (linksDown.Contains(i) || (l.A != u && l.B != u))
                    {
                        continue;
                    }

                    var v = l.A == u ? l.B : l.A;
                    if (d[s, v] < 0)
                    {
                        d[s, v] = d[s, u] + 1;
                        queue.Enqueue(v);
                    }
                }
            }
        }

        return d;
    }

    [Theory]
    [InlineData(10, 3, 1)]
    [InlineData(70, 20, 2)]
    [InlineData(130, 40, 3)]
    public void Run_EveryLinkDown_MatchesPlainBfsIncludingStretch(int nodes, int extra, int seed)
    {
        var network = RandomNetwork(nodes, extra, seed);
        var hops = new AllPairsHops(new CsrGraph(network));
        var baseline = hops.ComputeBaseline()!;
        var intact = Reference(network, []);

        for (var i = 0; i < network.LinkCount; i++)
        {
            var down = new bool[network.LinkCount];
            down[i] = true;
            var got = hops.Run(down, [], baseline);
            var d = Reference(network, [i]);
            long reachable = 0, total = 0, longer = 0, extraHops = 0;
            int diameter = 0, maxExtra = 0;
            for (var s = 0; s < nodes; s++)
            {
                for (var t = 0; t < nodes; t++)
                {
                    if (s == t || d[s, t] < 0)
                    {
                        continue;
                    }

                    reachable++;
                    total += d[s, t];
                    diameter = Math.Max(diameter, d[s, t]);
                    if (d[s, t] > intact[s, t])
                    {
                        longer++;
                        extraHops += d[s, t] - intact[s, t];
                        maxExtra = Math.Max(maxExtra, d[s, t] - intact[s, t]);
                    }
                }
            }

            Assert.Equal(new HopSummary(reachable, total, diameter, longer, extraHops, maxExtra), got);
        }
    }
}

public class AllPairsHopsLimitTests
{
    [Fact]
    public void Create_NetworkOverTheLimit_IsRefusedWithTheReason()
    {
        var ex = Assert.Throws<InvalidDataException>(() => new AllPairsHops(new CsrGraph(AllPairsHops.MaxNodes + 1, [])));

        Assert.Contains("more than the 20,000", ex.Message, StringComparison.Ordinal);
    }
}
