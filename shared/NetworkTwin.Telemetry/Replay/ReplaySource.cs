using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Telemetry.Files;

namespace NetworkTwin.Telemetry.Replay;

/// <summary>A capture's rows in time order per cell, ready to publish.</summary>
public sealed class ReplaySource
{
    private ReplaySource(IReadOnlyList<CellRows> cells, IReadOnlyList<string> rejected)
    {
        Cells = cells;
        Rejected = rejected;
        var times = cells.SelectMany(c => new[] { c.ThroughputTimes, c.PacketTimes }).Where(t => t.Length > 0).ToList();
        StartSeconds = times.Count == 0 ? 0 : times.Min(t => t[0]);
        EndSeconds = times.Count == 0 ? 0 : times.Max(t => t[^1]);
        Rows = cells.Sum(c => (long)c.ThroughputTimes.Length + c.PacketTimes.Length);
    }

    public IReadOnlyList<CellRows> Cells { get; }

    public IReadOnlyList<string> Rejected { get; }

    public double StartSeconds { get; }

    public double EndSeconds { get; }

    public long Rows { get; }

    /// <summary>
    /// Reads the .dat files of a capture folder (throughput-cell-N.dat, pkt-stats-cell-N.dat).
    /// The per-slot CSV has no timestamps, so it cannot be replayed and is skipped.
    /// </summary>
    public static async Task<ReplaySource> LoadAsync(string folder, IProgress<long>? bytesDone, CancellationToken cancellationToken)
    {
        var capture = await FronthaulCaptureLoader.LoadAsync(folder, new FronthaulLoadOptions(), bytesDone, cancellationToken).ConfigureAwait(false);
        var symbols = capture.Dataset.Symbols.ToDictionary(s => s.CellId);
        var packets = capture.Dataset.PacketStats.ToDictionary(p => p.CellId);
        var cells = symbols.Keys.Union(packets.Keys).Order().Select(id => FromCell(id, symbols.GetValueOrDefault(id), packets.GetValueOrDefault(id))).ToList();
        if (cells.Count == 0)
        {
            throw new InvalidDataException($"'{folder}' has no throughput-cell-N.dat or pkt-stats-cell-N.dat files to replay (a per-slot CSV has no timestamps).");
        }

        return new ReplaySource(cells, capture.Rejected);
    }

    private static CellRows FromCell(int id, SymbolGrid? grid, PacketStatsSeries? stats)
    {
        var times = new List<double>();
        var kbit = new List<float>();
        if (grid is not null)
        {
            for (var i = 0; i < grid.Kbit.Length; i++)
            {
                if (grid.Kbit[i] != 0)
                {
                    times.Add((grid.FirstSymbol + i) * SymbolGrid.SymbolSeconds);
                    kbit.Add(grid.Kbit[i]);
                }
            }
        }

        if (stats is null)
        {
            return new CellRows(id, [.. times], [.. kbit], [], [], [], []);
        }

        // The RU log is in file order, which is time order in every capture seen; sort to be sure.
        var order = Enumerable.Range(0, stats.TimesSeconds.Length).OrderBy(i => stats.TimesSeconds[i]).ToArray();
        return new CellRows(
            id,
            [.. times],
            [.. kbit],
            [.. order.Select(i => stats.TimesSeconds[i])],
            [.. order.Select(i => stats.TxPackets[i])],
            [.. order.Select(i => stats.RxPackets[i])],
            [.. order.Select(i => stats.TooLatePackets[i])]);
    }

    public sealed record CellRows(int CellId, double[] ThroughputTimes, float[] Kbit, double[] PacketTimes, int[] Tx, int[] Rx, int[] TooLate);
}
