using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Tests.Graphs;

public class EcmpRouterTests
{
    // A diamond: 0 -> {1, 2} -> 3, plus a stub 4 hanging off 3.
    private static readonly Network Diamond = new(
        "diamond",
        [.. Enumerable.Range(0, 5).Select(i => new NetworkNode($"{i}", $"n{i}"))],
        [new NetworkLink(0, 1, 10), new NetworkLink(0, 2, 10), new NetworkLink(1, 3, 10), new NetworkLink(2, 3, 10), new NetworkLink(3, 4, 10)],
        [new Demand(0, 4, 8), new Demand(4, 0, 2)]);

    [Fact]
    public void Route_TwoEqualPaths_SplitsEvenlyPerDirection()
    {
        var loads = new double[2 * Diamond.LinkCount];

        var lost = new EcmpRouter(new CsrGraph(Diamond), Diamond.Demands).Route([], [], loads);

        Assert.Equal(0, lost);
        Assert.Equal([4, 1, 4, 1, 4, 1, 4, 1, 8, 2], loads);
    }

    [Fact]
    public void Route_OnePathDown_MovesEverythingToTheOther_AndACutStrandsDemand()
    {
        var loads = new double[2 * Diamond.LinkCount];
        var router = new EcmpRouter(new CsrGraph(Diamond), Diamond.Demands);

        router.Route([true, false, false, false, false], [], loads);
        var via2 = loads[2];
        var lost = router.Route([false, false, false, false, true], [], loads);

        Assert.Equal(8, via2);
        Assert.Equal(10, lost);
    }

    [Fact]
    public void NextHops_Diamond_SplitAtTheFork_OneWayElsewhere_NoneWhereCut()
    {
        var router = new EcmpRouter(new CsrGraph(Diamond), Diamond.Demands);

        var hops = router.NextHops([], []);
        var cut = router.NextHops([false, false, false, false, true], []);

        Assert.Equal([0, 1], hops[4][0].Order());
        Assert.Equal([2], hops[4][1]);
        Assert.Equal([4], hops[4][3]);
        Assert.Empty(hops[4][4]);
        Assert.Empty(cut[4][0]);
    }

    [Theory]
    [InlineData(12, 6, 1)]
    [InlineData(30, 20, 2)]
    [InlineData(60, 25, 3)]
    public void NextHops_TrafficForwardedByTheTables_LoadsEveryDirectionAsRouteDoes(int nodes, int extra, int seed)
    {
        var network = AllPairsHopsTests.RandomNetwork(nodes, extra, seed);
        var random = new Random(seed);
        var demands = Enumerable.Range(0, 3 * nodes).Select(_ => new Demand(random.Next(nodes), random.Next(nodes), 1 + random.NextDouble())).ToList();
        var linkDown = Enumerable.Range(0, network.LinkCount).Select(_ => random.NextDouble() < 0.1).ToArray();
        var graph = new CsrGraph(network);
        var router = new EcmpRouter(graph, demands);
        var expected = new double[2 * network.LinkCount];
        router.Route(linkDown, [], expected);

        // Each demand pushed hop by hop through the tables, in equal shares, as the ns-3 program forwards it.
        var tables = router.NextHops(linkDown, []);
        var loads = new double[2 * network.LinkCount];
        foreach (var d in demands.Where(d => d.Source != d.Target))
        {
            var at = new Dictionary<int, double> { [d.Source] = d.Gbps };
            while (at.Keys.Any(n => n != d.Target && tables[d.Target][n].Length > 0))
            {
                var next = new Dictionary<int, double>();
                foreach (var (node, gbps) in at)
                {
                    var links = tables[d.Target][node];
                    if (node == d.Target || links.Length == 0)
                    {
                        next[node] = next.GetValueOrDefault(node) + (node == d.Target ? gbps : 0);
                        continue;
                    }

                    foreach (var l in links)
                    {
                        var link = network.Links[l];
                        var to = link.A == node ? link.B : link.A;
                        loads[(2 * l) + (link.A == node ? 0 : 1)] += gbps / links.Length;
                        next[to] = next.GetValueOrDefault(to) + (gbps / links.Length);
                    }
                }

                at = next;
            }
        }

        for (var i = 0; i < loads.Length; i++)
        {
            Assert.Equal(expected[i], loads[i], 9);
        }
    }
}
