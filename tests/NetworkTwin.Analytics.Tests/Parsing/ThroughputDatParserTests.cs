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

    [Fact]
    public void ToGrid_FileAfterFile_EachGridHoldsOnlyItsOwnRows()
    {
        // The second file's chunks come back from the pool holding the first file's symbols; they must start from zero.
        var first = new ThroughputDatParser(1, "throughput-cell-1.dat");
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(Rows(1.0, 200_000, "7")));
        first.Parse(ref sequence, isFinalBlock: true);
        var firstGrid = first.ToGrid();

        var second = new ThroughputDatParser(2, "throughput-cell-2.dat");
        sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(Rows(1.0, 200_000, "1", every: 2)));
        second.Parse(ref sequence, isFinalBlock: true);
        var secondGrid = second.ToGrid();

        Assert.All(firstGrid.Kbit, k => Assert.Equal(7f, k));
        Assert.Equal(0, secondGrid.MergedRows);
        Assert.Equal(100_000 * 1.0, secondGrid.Kbit.Sum(k => (double)k));
        Assert.Equal(0f, secondGrid.Kbit[1]);
        Assert.Same(secondGrid, second.ToGrid());
    }

    [Fact]
    public void Parse_AfterTheGridWasBuilt_IsRefused()
    {
        var parser = new ThroughputDatParser(1, "t.dat");
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("1.0 5\n"));
        parser.Parse(ref sequence, isFinalBlock: true);
        _ = parser.ToGrid();
        var more = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes("2.0 5\n"));

        Assert.Throws<InvalidOperationException>(() => parser.Parse(ref more, isFinalBlock: true));
    }

    private static string Rows(double start, int symbols, string kbit, int every = 1)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < symbols; i += every)
        {
            sb.Append((start + (i * SymbolGrid.SymbolSeconds)).ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(kbit).Append('\n');
        }

        return sb.ToString();
    }
}
