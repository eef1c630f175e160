namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// DU-side kilobits per 500 us slot for several cells, as in the wide per-slot CSV
/// (<c>slot_index,cell_1,...</c>). The table carries no timestamps: slot k is taken to start at
/// <c>StartSeconds + k * 0.5 ms</c> on the DU clock.
/// </summary>
public sealed record SlotTable(int[] CellIds, double[][] KbitByCell, double StartSeconds)
{
    public int SlotCount => KbitByCell.Length == 0 ? 0 : KbitByCell[0].Length;
}
