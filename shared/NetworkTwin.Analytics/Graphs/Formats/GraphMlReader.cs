using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>
/// Reads GraphML as the Internet Topology Zoo writes it: node <c>label</c>, <c>Latitude</c>,
/// <c>Longitude</c>; edge speed from <c>LinkSpeedRaw</c> (bit/s) or a label such as "10 Gbps" or
/// "OC-192". Repairs and reports: parallel edges are merged into one link (capacities added),
/// loops dropped, missing names and coordinates counted, disconnected parts listed. DTDs are
/// refused (no entity expansion), and every error names the line.
/// </summary>
public static partial class GraphMlReader
{
    public static NetworkImport Read(Stream stream, string source)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = 256L * 1024 * 1024,
        };
        try
        {
            using var xml = XmlReader.Create(stream, settings);
            return Parse(xml, source);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"{source}: not well-formed GraphML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}", ex);
        }
    }

    private static NetworkImport Parse(XmlReader xml, string source)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var nodes = new List<NetworkNode>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var edges = new List<(string A, string B, Dictionary<string, string> Data, int Line)>();
        var notes = new List<string>();
        string? name = null;
        var directed = false;
        var more = xml.Read();
        for (; more; more = xml.Read())
        {
            // ReadElementContentAsString leaves the reader on the following node: look at it before reading on.
            while (more && xml.NodeType == XmlNodeType.Element && xml.LocalName == "data" && xml.Depth == 2)
            {
                var graphKey = xml.GetAttribute("key");
                var value = xml.ReadElementContentAsString();
                if (graphKey is not null && keys.GetValueOrDefault(graphKey) is "Network" or "label" && !string.IsNullOrWhiteSpace(value))
                {
                    name = value.Trim();
                }

                more = !xml.EOF;
            }

            if (!more)
            {
                break;
            }

            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            var line = (xml as IXmlLineInfo)?.LineNumber ?? 0;
            switch (xml.LocalName)
            {
                case "key":
                    if (xml.GetAttribute("id") is { } id && xml.GetAttribute("attr.name") is { } attr)
                    {
                        keys[id] = attr;
                    }

                    break;
                case "graph":
                    directed = xml.GetAttribute("edgedefault") == "directed";
                    name ??= xml.GetAttribute("id");
                    break;
                case "node":
                    var nodeId = xml.GetAttribute("id") ?? throw new InvalidDataException($"line {line}: <node> without an id");
                    var data = ReadData(xml, keys);
                    if (!index.TryAdd(nodeId, nodes.Count))
                    {
                        throw new InvalidDataException($"line {line}: node id \"{nodeId}\" appears twice");
                    }

                    nodes.Add(new NetworkNode(
                        nodeId,
                        data.GetValueOrDefault("label") is { Length: > 0 } nodeLabel ? nodeLabel : $"node {nodeId}",
                        Number(data.GetValueOrDefault("Latitude")),
                        Number(data.GetValueOrDefault("Longitude")),
                        data.GetValueOrDefault("Role") ?? (data.GetValueOrDefault("Internal") == "0" ? "external" : null),
                        data.GetValueOrDefault("Region") ?? data.GetValueOrDefault("Country")));
                    break;
                case "edge":
                    var a = xml.GetAttribute("source") ?? throw new InvalidDataException($"line {line}: <edge> without a source");
                    var b = xml.GetAttribute("target") ?? throw new InvalidDataException($"line {line}: <edge> without a target");
                    edges.Add((a, b, ReadData(xml, keys), line));
                    break;
            }
        }

        if (directed)
        {
            notes.Add("the graph is declared directed; its edges are read as undirected links");
        }

        var links = new List<NetworkLink>();
        var byPair = new Dictionary<(int, int), int>();
        var loops = 0;
        var parallel = 0;
        foreach (var (a, b, data, line) in edges)
        {
            if (!index.TryGetValue(a, out var ia) || !index.TryGetValue(b, out var ib))
            {
                throw new InvalidDataException($"line {line}: edge {a} -> {b} names a node that does not exist");
            }

            if (ia == ib)
            {
                loops++;
                continue;
            }

            var capacity = Capacity(data);
            var key = (Math.Min(ia, ib), Math.Max(ia, ib));
            if (byPair.TryGetValue(key, out var existing))
            {
                parallel++;
                var l = links[existing];
                links[existing] = l with { CapacityGbps = l.CapacityGbps is null && capacity is null ? null : (l.CapacityGbps ?? 0) + (capacity ?? 0) };
                continue;
            }

            byPair[key] = links.Count;
            links.Add(new NetworkLink(key.Item1, key.Item2, capacity, Number(data.GetValueOrDefault("Cost")), Geo.DistanceKm(nodes[ia], nodes[ib]) is { } km ? Math.Round(km, 1) : null, data.GetValueOrDefault("LinkType"))
            {
                RiskGroups = data.GetValueOrDefault("RiskGroups") is { Length: > 0 } groups ? groups.Split(';') : [],
            });
        }

        if (loops > 0)
        {
            notes.Add($"{loops} loop edge(s) (a node to itself) dropped");
        }

        if (parallel > 0)
        {
            notes.Add($"{parallel} parallel edge(s) merged into the link they duplicate (capacities added)");
        }

        var noPlace = nodes.Count(n => n.Latitude is null || n.Longitude is null);
        if (noPlace > 0)
        {
            notes.Add($"{noPlace} of {nodes.Count} nodes have no coordinates (their links have no length)");
        }

        var noSpeed = links.Count(l => l.CapacityGbps is null);
        if (noSpeed > 0)
        {
            notes.Add($"{noSpeed} of {links.Count} links have no usable speed");
        }

        var network = new Network(name ?? source, nodes, links, []);
        var (label, count) = Components.Find(new CsrGraph(network), links, [], []);
        if (count > 1)
        {
            var sizes = label.GroupBy(c => c).Select(g => g.Count()).OrderDescending().ToList();
            notes.Add($"the network is in {count} disconnected parts (sizes {string.Join(", ", sizes.Take(10))}{(sizes.Count > 10 ? ", ..." : string.Empty)})");
        }

        if (nodes.Count == 0)
        {
            throw new InvalidDataException("no <node> elements: this is not a GraphML network");
        }

        return new NetworkImport(network, notes);
    }

    /// <summary>Reads the &lt;data&gt; children of the current element; leaves the reader on its end.</summary>
    private static Dictionary<string, string> ReadData(XmlReader xml, Dictionary<string, string> keys)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        if (xml.IsEmptyElement)
        {
            return data;
        }

        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && xml.Depth > depth)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "data" && xml.GetAttribute("key") is { } key)
            {
                // Advances past the element itself.
                data[keys.GetValueOrDefault(key, key)] = xml.ReadElementContentAsString().Trim();
                continue;
            }

            xml.Read();
        }

        return data;
    }

    private static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>Link speed in Gbit/s from LinkSpeedRaw (bit/s) or a label like "10 Gbps", "2.5G", "OC-192".</summary>
    internal static double? Capacity(IReadOnlyDictionary<string, string> data)
    {
        if (Number(data.GetValueOrDefault("LinkSpeedRaw")) is > 0 and var raw)
        {
            return raw / 1e9;
        }

        foreach (var text in new[] { data.GetValueOrDefault("LinkLabel"), data.GetValueOrDefault("LinkSpeed") + data.GetValueOrDefault("LinkSpeedUnits") })
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var oc = OcRate().Match(text);
            if (oc.Success)
            {
                return int.Parse(oc.Groups[1].ValueSpan, CultureInfo.InvariantCulture) * 0.05184;
            }

            var m = Speed().Match(text);
            if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                return char.ToUpperInvariant(m.Groups[2].Value[0]) switch
                {
                    'T' => v * 1000,
                    'G' => v,
                    'M' => v / 1000,
                    'K' => v / 1e6,
                    _ => null,
                };
            }
        }

        return null;
    }

    [GeneratedRegex(@"OC-?(\d{1,4})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OcRate();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)\s*([TGMK])(?:b|bit|bps|bit/s)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Speed();
}
