using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Console.Lab.Validation;

/// <summary>
/// A backbone what-if as the ns-3 program tools/NetworkTwin.Ns3/backbone-ecmp reads it: the live links with their
/// capacities, the twin's own ECMP next hops per node and destination (so ns-3 routes exactly as the twin does) and
/// one traffic matrix's demands, one record per line.
/// </summary>
internal static class BackboneExport
{
    public static void Write(string path, Network network, bool[] linkDown, IReadOnlyList<Demand> demands)
    {
        var graph = new CsrGraph(network);
        var hops = new EcmpRouter(graph, demands).NextHops(linkDown, []);
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"# {network.Name}: {network.NodeCount} sites, {network.LinkCount - linkDown.Count(d => d)} live links, {demands.Count} demands");
        text.AppendLine(c, $"nodes {network.NodeCount}");
        for (var l = 0; l < network.LinkCount; l++)
        {
            if (!linkDown[l])
            {
                var link = network.Links[l];
                text.AppendLine(c, $"link {l} {link.A} {link.B} {link.CapacityGbps!.Value * 1e9:0}");
            }
        }

        for (var t = 0; t < network.NodeCount; t++)
        {
            for (var v = 0; v < network.NodeCount; v++)
            {
                if (hops[t][v].Length > 0)
                {
                    text.AppendLine(c, $"nexthop {v} {t} {string.Join(' ', hops[t][v])}");
                }
            }
        }

        foreach (var d in demands.Where(d => d.Gbps > 0 && d.Source != d.Target))
        {
            text.AppendLine(c, $"demand {d.Source} {d.Target} {d.Gbps * 1e9:0}");
        }

        File.WriteAllText(path, text.ToString());
    }
}
