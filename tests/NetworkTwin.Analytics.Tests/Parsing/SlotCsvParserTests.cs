using System.Buffers;
using System.Text;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Analytics.Tests.Parsing;

public class SlotCsvParserTests
{
    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Parse_WideTable_ReadsColumnsPerCellAndFillsGapsWithSilence(int segment)
    {
        var text = "slot_index,cell_1,cell_12\r\n0,676.933,5\r\n1,30.656,0\r\n3,1,2\r\n";
        var parser = new SlotCsvParser("throughput.csv", 1.01);
        var sequence = Segments.Split(Encoding.ASCII.GetBytes(text), segment);

        parser.Parse(ref sequence, isFinalBlock: true);
        parser.Complete();
        var table = parser.ToTable();

        Assert.Equal([1, 12], table.CellIds);
        Assert.Equal([676.933, 30.656, 0, 1], table.KbitByCell[0]);
        Assert.Equal([5.0, 0, 0, 2], table.KbitByCell[1]);
        Assert.Equal(1.01, table.StartSeconds);
    }

    [Fact]
    public void Parse_RowWithWrongFieldCountOrDecreasingIndex_IsMalformed()
    {
        var text = "slot_index,cell_1,cell_2\n0,1,2\n1,1\n0,3,3\n2,x,1\n3,1,1\n";
        var parser = new SlotCsvParser("t.csv", 0);
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        parser.Parse(ref sequence, isFinalBlock: true);

        Assert.Equal(3, parser.MalformedLines);
        Assert.Equal([3L, 4L, 5L], parser.MalformedSamples.Select(m => m.LineNumber));
        Assert.Contains("cell_1", parser.MalformedSamples[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Complete_NoHeader_IsRejected()
    {
        var parser = new SlotCsvParser("t.csv", 0);
        var sequence = new ReadOnlySequence<byte>("0,1,2\n1,1,1\n"u8.ToArray());

        Assert.Throws<InvalidDataException>(() =>
        {
            parser.Parse(ref sequence, isFinalBlock: true);
            parser.Complete();
        });
    }
}
