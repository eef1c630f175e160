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
}
