using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Tests.Fronthaul;

public class SymbolGridBuilderTests
{
    [Theory]
    [InlineData("forward")]
    [InlineData("backward")]
    [InlineData("shuffled")]
    public void Build_RowsOverManyChunksInAnyOrder_SameGridWithGapsAsZero(string order)
    {
        // 5 chunks' worth of symbols from 100 s on, every third symbol empty (not the first or the last), one symbol given twice.
        var count = (SymbolGridBuilder.ChunkSymbols * 5) + 124;
        var first = (long)Math.Round(100 * SymbolGrid.SymbolsPerSecond);
        var rows = Enumerable.Range(0, count).Where(k => k % 3 != 1).Select(k => (Symbol: first + k, Kbit: (float)(k % 1000) + 1)).ToList();
        rows.Add((first + 3, 0.5f));
        var ordered = order switch
        {
            "forward" => rows,
            "backward" => Enumerable.Reverse(rows).ToList(),
            _ => [.. rows.OrderBy(_ => Random.Shared.Next())],
        };

        var builder = new SymbolGridBuilder(600);
        foreach (var (symbol, kbit) in ordered)
        {
            Assert.Null(builder.TryAdd(symbol * SymbolGrid.SymbolSeconds, kbit));
        }

        var grid = builder.Build(7);

        Assert.Equal((7, first, count, rows.Count, 1), (grid.CellId, grid.FirstSymbol, grid.Kbit.Length, grid.RowsRead, grid.MergedRows));
        for (var k = 0; k < count; k++)
        {
            var expected = k % 3 == 1 ? 0 : (k % 1000) + 1 + (k == 3 ? 0.5f : 0);
            Assert.Equal(expected, grid.Kbit[k]);
        }
    }

    [Fact]
    public void TryAdd_RowBeyondTheSpanEitherWay_IsRefusedAndTheGridKeepsItsRows()
    {
        var builder = new SymbolGridBuilder(maxSpanSeconds: 10);
        Assert.Null(builder.TryAdd(50, 1));

        Assert.Contains("more than 10 s away", builder.TryAdd(61, 1));
        Assert.Contains("more than 10 s away", builder.TryAdd(39, 1));
        Assert.Null(builder.TryAdd(41, 2));

        var grid = builder.Build(1);
        Assert.Equal(2, grid.RowsRead);
        Assert.Equal(3, grid.Kbit.Sum());
        Assert.Equal(41, grid.StartSeconds, 6);
    }

    [Fact]
    public void Build_NoRows_IsAnEmptyGrid()
    {
        var grid = new SymbolGridBuilder(600).Build(3);

        Assert.Empty(grid.Kbit);
        Assert.Equal(0, grid.RowsRead);
    }
}
