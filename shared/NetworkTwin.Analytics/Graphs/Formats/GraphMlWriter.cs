using System.Globalization;
using System.Xml;

namespace NetworkTwin.Analytics.Graphs.Formats;

/// <summary>Writes a network as GraphML with the Topology Zoo's attribute names, so the reader reads it back.</summary>
public static class GraphMlWriter
{
    public static void Write(Network network, Stream stream)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true });
        const string Ns = "http://graphml.graphdrawing.org/xmlns";
        xml.WriteStartDocument();
        xml.WriteStartElement("graphml", Ns);
        Key(xml, "d0", "graph", "Network", "string");
        Key(xml, "d1", "node", "label", "string");
        Key(xml, "d2", "node", "Latitude", "double");
        Key(xml, "d3", "node", "Longitude", "double");
        Key(xml, "d4", "node", "Role", "string");
        Key(xml, "d5", "node", "Region", "string");
        Key(xml, "d6", "edge", "LinkSpeedRaw", "double");
        Key(xml, "d7", "edge", "Cost", "double");
        Key(xml, "d8", "edge", "LinkType", "string");
        Key(xml, "d9", "edge", "RiskGroups", "string");
        xml.WriteStartElement("graph");
        xml.WriteAttributeString("edgedefault", "undirected");
        Data(xml, "d0", network.Name);
        foreach (var node in network.Nodes)
        {
            xml.WriteStartElement("node");
            xml.WriteAttributeString("id", node.Id);
            Data(xml, "d1", node.Name);
            Data(xml, "d2", node.Latitude?.ToString("R", CultureInfo.InvariantCulture));
            Data(xml, "d3", node.Longitude?.ToString("R", CultureInfo.InvariantCulture));
            Data(xml, "d4", node.Role);
            Data(xml, "d5", node.Region);
            xml.WriteEndElement();
        }

        foreach (var link in network.Links)
        {
            xml.WriteStartElement("edge");
            xml.WriteAttributeString("source", network.Nodes[link.A].Id);
            xml.WriteAttributeString("target", network.Nodes[link.B].Id);
            Data(xml, "d6", (link.CapacityGbps * 1e9)?.ToString("R", CultureInfo.InvariantCulture));
            Data(xml, "d7", link.Cost?.ToString("R", CultureInfo.InvariantCulture));
            Data(xml, "d8", link.Type);
            Data(xml, "d9", link.RiskGroups.Count > 0 ? string.Join(';', link.RiskGroups) : null);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void Key(XmlWriter xml, string id, string kind, string name, string type)
    {
        xml.WriteStartElement("key");
        xml.WriteAttributeString("attr.name", name);
        xml.WriteAttributeString("attr.type", type);
        xml.WriteAttributeString("for", kind);
        xml.WriteAttributeString("id", id);
        xml.WriteEndElement();
    }

    private static void Data(XmlWriter xml, string key, string? value)
    {
        if (value is null)
        {
            return;
        }

        xml.WriteStartElement("data");
        xml.WriteAttributeString("key", key);
        xml.WriteString(value);
        xml.WriteEndElement();
    }
}
