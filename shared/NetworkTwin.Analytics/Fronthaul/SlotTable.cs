namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// DU-side kilobits per 500 us slot for several cells, as in the wide per-slot CSV
/// (<c>slot_index,cell_1,...</c>). The table carries no timestamps: slot k is taken to start at
/// <c>StartSeconds + k * 0.5 ms</c> on the DU clock.
/// </summary>
public sealed record SlotTable(int[] CellIds, double[][] KbitByCell, double StartSeconds)
{
    public int SlotCount => KbitByCell.Length == 0 ? 0 : KbitByCell[0].Length;

    /// <summary>Per-symbol grids summed into slots over the span every cell covers (null when they share none).</summary>
    public static SlotTable? FromSymbols(IReadOnlyList<SymbolGrid> grids)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (grids.Count == 0)
        {
            return null;
        }

        var perSlot = SymbolGrid.SymbolsPerSlot;
        var first = (grids.Max(g => g.FirstSymbol) + perSlot - 1) / perSlot;
        var end = grids.Min(g => g.EndSymbol) / perSlot;
        if (end <= first)
        {
            return null;
        }

        var columns = grids.Select(g =>
        {
            var column = new double[end - first];
            for (var k = 0; k < column.Length; k++)
            {
                var offset = ((first + k) * perSlot) - g.FirstSymbol;
                for (var j = 0; j < perSlot; j++)
                {
                    column[k] += g.Kbit[offset + j];
                }
            }

            return column;
        }).ToArray();
        return new SlotTable([.. grids.Select(g => g.CellId)], columns, first * SymbolGrid.SlotSeconds);
    }
}
