namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// RU-side packet statistics of one cell per slot, as in <c>pkt-stats-cell-N.dat</c>. Times are
/// on the RU's own clock, which is shifted by an unknown fixed offset.
/// </summary>
public sealed record PacketStatsSeries(int CellId, double[] TimesSeconds, int[] TxPackets, int[] RxPackets, int[] TooLatePackets)
{
    /// <summary>Packets lost in a slot: dropped by the switch plus arrived too late to use.</summary>
    public int LostPackets(int i) => Math.Max(0, TxPackets[i] - RxPackets[i]) + TooLatePackets[i];

    /// <summary>Packets sent and lost over the whole series.</summary>
    public (long Tx, long Lost) Totals()
    {
        long tx = 0;
        long lost = 0;
        for (var i = 0; i < TxPackets.Length; i++)
        {
            tx += TxPackets[i];
            lost += LostPackets(i);
        }

        return (tx, lost);
    }
}
