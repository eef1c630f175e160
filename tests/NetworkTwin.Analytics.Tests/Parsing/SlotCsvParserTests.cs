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

    [Fact]
    public void Parse_HeaderOfManyCellsAndNoRows_AllocatesByTheInputNotByTheCellCount()
    {
        // Found by the fuzzer: each column reserved room for 32,768 slots up front, so a 30 KB header naming
        // 4,096 cells allocated a gigabyte before a single row arrived.
        var header = "slot_index," + string.Join(',', Enumerable.Range(1, SlotCsvParser.MaxCells).Select(i => $"c{i}")) + "\n0," + string.Join(',', Enumerable.Repeat("1", SlotCsvParser.MaxCells)) + "\n";
        var parser = new SlotCsvParser("wide.csv", 0);
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(header));

        var before = GC.GetAllocatedBytesForCurrentThread();
        parser.Parse(ref sequence, isFinalBlock: true);
        parser.Complete();
        var table = parser.ToTable();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(SlotCsvParser.MaxCells, table.CellIds.Length);
        Assert.All(table.KbitByCell, c => Assert.Equal([1.0], c));
        Assert.True(allocated < 8 << 20, $"{allocated / 1048576.0:0.0} MiB allocated for a {header.Length / 1024} KB input");
    }

    [Fact]
    public void Parse_SlotFarAfterTheFirst_IsMalformedNotAHugeAllocation()
    {
        // Found by the fuzzer: a row may jump ahead (the gap is silence), and a 25 KB file of such rows made the
        // parser fill 63 MiB of zeros; jumps of 10 million slots, one after another, had no bound at all.
        var text = "slot_index,cell_1,cell_2\n7,1,2\n9,3,4\n120007,5,6\n9000000,7,8\n";
        var parser = new SlotCsvParser("t.csv", 0, maxSpanSeconds: 60);
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        parser.Parse(ref sequence, isFinalBlock: true);
        var table = parser.ToTable();

        Assert.Equal(2, parser.MalformedLines);
        Assert.Contains("too far after the first row's 7: the table holds at most 60 s of slots", parser.MalformedSamples[0].Reason, StringComparison.Ordinal);
        Assert.Equal([1.0, 0, 3], table.KbitByCell[0]);
    }

    [Fact]
    public void Parse_ManyCellsAndALongGap_IsBoundedByValuesNotOnlyByTime()
    {
        var text = "slot_index,cell_1,cell_2,cell_3,cell_4\n0,1,1,1,1\n99,2,2,2,2\n250,3,3,3,3\n";
        var parser = new SlotCsvParser("t.csv", 0, maxValues: 1000);
        var sequence = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));

        parser.Parse(ref sequence, isFinalBlock: true);

        Assert.Equal(1, parser.MalformedLines);
        Assert.Contains("1,000 values across its 4 cells", parser.MalformedSamples[0].Reason, StringComparison.Ordinal);
        Assert.Equal(100, parser.ToTable().KbitByCell[3].Length);
    }
}
