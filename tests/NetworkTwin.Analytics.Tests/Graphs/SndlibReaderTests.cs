using NetworkTwin.Analytics.Graphs.Formats;

namespace NetworkTwin.Analytics.Tests.Graphs;

public class SndlibReaderTests
{
    private const string Small = """
        ?SNDlib native format; type: network; version: 1.0
        META (
          unit = MBITPERSEC
        )
        NODES (
          A ( 1.0 2.0 )   # comment
          B ( 3.0 4.0 )
          C ( 5.0 6.0 )
        )
        LINKS (
          A_B ( A B ) 9920.00 0.00 0.00 0.00 ( 40000.00 133.00 )
          B_C ( C B ) 0.00 0.00 0.00 0.00 ( 40000.00 591.00 10000.00 100.00 )
        )
        DEMANDS (
          A_C ( A C ) 1 1500.00 UNLIMITED
        )
        """;

    [Fact]
    public void Read_SmallNetwork_CapacitiesInGbpsAndDemands()
    {
        var result = SndlibReader.Read(new StringReader(Small), "small.txt");

        var network = result.Network;
        Assert.Equal(3, network.NodeCount);
        Assert.Equal(9.92, network.Links[0].CapacityGbps);
        Assert.Equal(10, network.Links[1].CapacityGbps);
        Assert.Equal(100, network.Links[1].Cost);
        Assert.Equal((1, 2), (network.Links[1].A, network.Links[1].B));
        Assert.Equal(1.5, Assert.Single(network.Demands).Gbps);
        Assert.Contains(result.Notes, n => n.Contains("smallest module", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("A_B ( A X )", "names node X, which is not in NODES")]
    [InlineData("A_B ( A B ) ten", "expected a number, found \"ten\"")]
    public void Read_Broken_NamesTheLineAndProblem(string link, string expected)
    {
        var text = Small.Replace("A_B ( A B ) 9920.00", link, StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidDataException>(() => SndlibReader.Read(new StringReader(text), "small.txt"));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
