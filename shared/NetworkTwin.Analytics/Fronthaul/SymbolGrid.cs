namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// DU-side throughput of one cell on the symbol grid of the DU clock: element i holds the
/// kilobits of the symbol starting at <c>(FirstSymbol + i) * SymbolSeconds</c>. Rows of
/// <c>throughput-cell-N.dat</c> land in their symbol whatever order they were written in, so
/// the grid is the time-sorted series; rows landing on a symbol that already
/// carries bits (repeated timestamps) are summed and counted as merged.
/// </summary>
public sealed record SymbolGrid(int CellId, long FirstSymbol, float[] Kbit, int RowsRead, int MergedRows)
{
    public const double SlotSeconds = 0.0005;

    public const int SymbolsPerSlot = 14;

    /// <summary>A symbol is one fourteenth of a 500 us slot (~35.7 us).</summary>
    public const double SymbolSeconds = SlotSeconds / SymbolsPerSlot;

    /// <summary>28,000 symbols per second, exactly.</summary>
    public const double SymbolsPerSecond = SymbolsPerSlot / SlotSeconds;

    public double StartSeconds => FirstSymbol * SymbolSeconds;

    public long EndSymbol => FirstSymbol + Kbit.Length;
}
