namespace NetworkTwin.Analytics.Graphs;

/// <summary>The structural figures of a network design.</summary>
/// <param name="Components">Connected parts.</param>
/// <param name="Diameter">Longest shortest path, in hops (within parts).</param>
/// <param name="AveragePathLength">Mean hops over connected ordered pairs.</param>
/// <param name="LinkConnectivity">Fewest links whose loss disconnects the network (0 when already split).</param>
/// <param name="NodeConnectivity">Fewest nodes whose loss disconnects it.</param>
/// <param name="BisectionGbps">Capacity across the weakest balanced cut found (an upper bound on the true bisection); null above 3,000 nodes.</param>
/// <param name="TotalCost">Sum of link costs; null when no link has a cost.</param>
public sealed record NetworkMetrics(
    int Nodes,
    int Links,
    int Components,
    int Diameter,
    double AveragePathLength,
    int LinkConnectivity,
    int NodeConnectivity,
    double? BisectionGbps,
    double? TotalCost,
    double? TotalCapacityGbps,
    double TotalDemandGbps)
{
    public static NetworkMetrics Measure(Network network)
    {
        var graph = new CsrGraph(network);
        var hops = new AllPairsHops(graph).Run([], [], null);
        var components = Graphs.Components.Find(graph, network.Links, [], []).Count;
        var capacities = network.Links.Where(l => l.CapacityGbps is not null).Select(l => l.CapacityGbps!.Value).ToList();
        var costs = network.Links.Where(l => l.Cost is not null).Select(l => l.Cost!.Value).ToList();
        return new NetworkMetrics(
            network.NodeCount,
            network.LinkCount,
            components,
            hops.Diameter,
            Math.Round(hops.AveragePathLength, 3),
            components > 1 ? 0 : Connectivity.Links(graph),
            components > 1 ? 0 : Connectivity.Nodes(graph),
            Bisection.Estimate(network, graph) is { } bisection ? Math.Round(bisection, 3) : null,
            costs.Count > 0 ? costs.Sum() : null,
            capacities.Count > 0 ? capacities.Sum() : null,
            network.Demands.Sum(d => d.Gbps));
    }
}
