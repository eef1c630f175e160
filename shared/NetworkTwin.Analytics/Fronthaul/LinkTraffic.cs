namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// One link's cleaned DU traffic as the sizing saw it: <see cref="KbitPerCell"/>[c][i] is the kilobits cell
/// <see cref="Cells"/>[c] sent in interval i, which starts at <see cref="OriginSeconds"/> + i x
/// <see cref="IntervalSeconds"/> on the DU clock (all of a link's cells are on it, so no shift is needed).
/// </summary>
public sealed record LinkTraffic(int LinkId, int[] Cells, double IntervalSeconds, string Resolution, double OriginSeconds, double[][] KbitPerCell)
{
    public int Intervals => KbitPerCell.Length == 0 ? 0 : KbitPerCell[0].Length;

    /// <summary>The link's kilobits per interval: the series the buffer model sizes.</summary>
    public double[] Sum()
    {
        var sum = new double[Intervals];
        foreach (var cell in KbitPerCell)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += cell[i];
            }
        }

        return sum;
    }

    /// <summary>The first <paramref name="seconds"/> of the traffic (all of it when shorter).</summary>
    public LinkTraffic Take(double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        var n = (int)Math.Min(Intervals, Math.Ceiling(seconds / IntervalSeconds));
        return n == Intervals ? this : this with { KbitPerCell = [.. KbitPerCell.Select(k => k[..n])] };
    }
}
