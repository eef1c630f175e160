using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Tests.Graphs;

public class NetworkMetricsTests
{
    private static Network Build(int n, params (int A, int B)[] links) => new(
        "t",
        [.. Enumerable.Range(0, n).Select(i => new NetworkNode($"{i}", $"n{i}"))],
        [.. links.Select(l => new NetworkLink(l.A, l.B, 10, 1))],
        [new Demand(0, 1, 2.5)]);

    [Fact]
    public void Measure_Ring_TwoConnectedWithTheRingBisection()
    {
        var m = NetworkMetrics.Measure(Build(6, (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (0, 5)));

        Assert.Equal((1, 3, 1.8), (m.Components, m.Diameter, m.AveragePathLength));
        Assert.Equal((2, 2), (m.LinkConnectivity, m.NodeConnectivity));
        Assert.Equal(20, m.BisectionGbps);
        Assert.Equal((6.0, 60.0, 2.5), (m.TotalCost!.Value, m.TotalCapacityGbps!.Value, m.TotalDemandGbps));
    }

    [Fact]
    public void Measure_CompleteGraphAndBowTie_NodeAndLinkConnectivityDiffer()
    {
        var k4 = NetworkMetrics.Measure(Build(4, (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)));

        // Two triangles sharing node 2: two links must go to cut it, one node is enough.
        var bowTie = NetworkMetrics.Measure(Build(5, (0, 1), (0, 2), (1, 2), (2, 3), (2, 4), (3, 4)));

        Assert.Equal((3, 3, 40.0), (k4.LinkConnectivity, k4.NodeConnectivity, k4.BisectionGbps));
        Assert.Equal((2, 1), (bowTie.LinkConnectivity, bowTie.NodeConnectivity));
    }

    [Fact]
    public void Measure_Split_HasNoConnectivity()
    {
        var m = NetworkMetrics.Measure(Build(4, (0, 1), (2, 3)));

        Assert.Equal((2, 0, 0), (m.Components, m.LinkConnectivity, m.NodeConnectivity));
    }
}
