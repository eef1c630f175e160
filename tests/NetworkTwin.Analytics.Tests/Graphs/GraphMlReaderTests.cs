using System.Text;
using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Analytics.Tests.Graphs;

public class GraphMlReaderTests
{
    private const string Header = """
        <?xml version="1.0" encoding="utf-8"?>
        <graphml xmlns="http://graphml.graphdrawing.org/xmlns">
          <key attr.name="label" attr.type="string" for="node" id="d0" />
          <key attr.name="Latitude" attr.type="double" for="node" id="d1" />
          <key attr.name="Longitude" attr.type="double" for="node" id="d2" />
          <key attr.name="LinkLabel" attr.type="string" for="edge" id="d3" />
          <key attr.name="Network" attr.type="string" for="graph" id="d4" />
          <graph edgedefault="undirected">
            <data key="d4">Testnet</data>
        """;

    private static NetworkImport Read(string body) =>
        GraphMlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(Header + body + "</graph></graphml>")), "test.graphml");

    [Fact]
    public void Read_ZooQuirks_RepairsAndReportsEachOne()
    {
        var result = Read("""
            <node id="0"><data key="d0">Paris</data><data key="d1">48.85</data><data key="d2">2.35</data></node>
            <node id="1"><data key="d0">Lyon</data><data key="d1">45.76</data><data key="d2">4.83</data></node>
            <node id="2"><data key="d0">Nowhere</data></node>
            <node id="3"/>
            <edge source="0" target="1"><data key="d3">10 Gbps</data></edge>
            <edge source="1" target="0"><data key="d3">OC-192</data></edge>
            <edge source="2" target="2"/>
            <edge source="1" target="2"/>
            """);

        var network = result.Network;
        Assert.Equal("Testnet", network.Name);
        Assert.Equal(4, network.NodeCount);
        Assert.Equal(2, network.LinkCount);
        Assert.Equal(10 + 9.95328, network.Links[0].CapacityGbps!.Value, 3);
        Assert.Equal(391.1, network.Links[0].LengthKm!.Value, 1);
        Assert.Equal("node 3", network.Nodes[3].Name);
        Assert.Contains(result.Notes, n => n.Contains("1 loop edge", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("1 parallel edge", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("2 of 4 nodes have no coordinates", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("2 disconnected parts (sizes 3, 1)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""<node id="0"/><edge source="0" target="9"/>""", "names a node that does not exist")]
    [InlineData("""<node id="0"/><node id="0"/>""", "appears twice")]
    [InlineData("""<node id="0">""", "not well-formed GraphML at line")]
    public void Read_Broken_SaysWhatAndWhere(string body, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(body));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Dtd_IsRefusedSoEntitiesCannotExpand()
    {
        var bomb = """<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><graphml><graph><node id="&a;"/></graph></graphml>""";

        var ex = Assert.Throws<InvalidDataException>(() => GraphMlReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(bomb)), "bomb.graphml"));

        Assert.Contains("bomb.graphml", ex.Message, StringComparison.Ordinal);
    }
}
