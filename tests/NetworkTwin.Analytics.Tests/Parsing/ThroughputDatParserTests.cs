using System.Buffers;
using System.Text;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Analytics.Tests.Parsing;

public class ThroughputDatParserTests
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Parse_RowsOutOfOrderWithRepeatedTimestamps_LandSortedOnTheSymbolGrid(int segment)
    {
        // The example from the dataset's README: a repeated timestamp and reversed order.
        var text = "1.01007143 5\n1.01 676.933\n1.01003571 0\n1.01 0\n1.01003571 2.5\n";
        var parser = new ThroughputDatParser(7, "throughput-cell-7.dat");
        var sequence = Segments.Split(Encoding.ASCII.GetBytes(text), segment);

        parser.Parse(ref sequence, isFinalBlock: true);
        parser.Complete();
        var grid = parser.ToGrid();

        Assert.Equal(7, grid.CellId);
        Assert.Equal(1.01, grid.StartSeconds, 9);
        Assert.Equal([676.933f, 2.5f, 5f], grid.Kbit);
        Assert.Equal(5, grid.RowsRead);
        Assert.Equal(1, grid.MergedRows);
    }

    [Fact]
    public void Parse_TimeFarFromTheRest_IsMalformedNotAHugeAllocation()
    {
        var text = "1.0 5\n1.00003571 6\n900000 7\n";
        var parser = new ThroughputDatParser(1, "t.dat", maxSpanSeconds: 60);
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        parser.Parse(ref sequence, isFinalBlock: true);

        Assert.Equal(1, parser.MalformedLines);
        Assert.Contains("more than 60 s away", parser.MalformedSamples[0].Reason, StringComparison.Ordinal);
        Assert.Equal(2, parser.ToGrid().Kbit.Length);
    }

    [Fact]
    public void Parse_RowsBeforeTheFirstFarAway_GrowTheGridAtTheFront()
    {
        var sb = new StringBuilder();
        for (var i = 100_000; i >= 0; i -= 1000)
        {
            sb.Append((1.0 + (i * SymbolGrid.SymbolSeconds)).ToString("0.########", System.Globalization.CultureInfo.InvariantCulture)).Append(" 1\n");
        }

        var parser = new ThroughputDatParser(1, "t.dat");
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(sb.ToString()));

        parser.Parse(ref sequence, isFinalBlock: true);
        var grid = parser.ToGrid();

        Assert.Equal(100_001, grid.Kbit.Length);
        Assert.Equal(101, grid.Kbit.Sum());
        Assert.Equal(1.0, grid.StartSeconds, 9);
    }
}
