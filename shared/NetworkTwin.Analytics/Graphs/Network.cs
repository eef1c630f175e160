namespace NetworkTwin.Analytics.Graphs;

/// <summary>A site (router, PoP, DU hub...). Coordinates are degrees; role and region are free text.</summary>
public sealed record NetworkNode(string Id, string Name, double? Latitude = null, double? Longitude = null, string? Role = null, string? Region = null);

/// <summary>
/// An undirected link between two nodes (indices into <see cref="Network.Nodes"/>). Capacity in
/// Gbit/s and cost in the network's own unit; null where the source did not say.
/// </summary>
public sealed record NetworkLink(int A, int B, double? CapacityGbps = null, double? Cost = null, double? LengthKm = null, string? Type = null)
{
    /// <summary>Shared-risk groups (a duct, a conduit, a power feed): links in one group fail together.</summary>
    public IReadOnlyList<string> RiskGroups { get; init; } = [];
}

/// <summary>Traffic the network must carry from one node to another, in Gbit/s.</summary>
public sealed record Demand(int Source, int Target, double Gbps);

/// <summary>
/// A network as the design twin sees it: nodes, undirected links and demands. Immutable; built
/// by the importers and generators, which guarantee indices are valid and there are no self loops.
/// </summary>
public sealed record Network(string Name, IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<NetworkLink> Links, IReadOnlyList<Demand> Demands)
{
    public int NodeCount => Nodes.Count;

    public int LinkCount => Links.Count;

    /// <summary>Checks the invariants; returns every problem found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        for (var i = 0; i < Links.Count; i++)
        {
            var l = Links[i];
            if (l.A < 0 || l.A >= Nodes.Count || l.B < 0 || l.B >= Nodes.Count)
            {
                errors.Add($"link {i} joins node indices {l.A} and {l.B}, outside 0..{Nodes.Count - 1}");
            }
            else if (l.A == l.B)
            {
                errors.Add($"link {i} is a loop on node {Nodes[l.A].Id}");
            }

            if (l.CapacityGbps is < 0 || l.Cost is < 0)
            {
                errors.Add($"link {i} has a negative capacity or cost");
            }
        }

        foreach (var d in Demands)
        {
            if (d.Source < 0 || d.Source >= Nodes.Count || d.Target < 0 || d.Target >= Nodes.Count || d.Gbps < 0 || !double.IsFinite(d.Gbps))
            {
                errors.Add($"demand {d.Source}->{d.Target} of {d.Gbps} Gbit/s is not valid");
            }
        }

        return errors;
    }
}
