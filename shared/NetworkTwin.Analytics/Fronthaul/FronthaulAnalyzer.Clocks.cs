using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Signal;

namespace NetworkTwin.Analytics.Fronthaul;

public static partial class FronthaulAnalyzer
{
    private sealed record CellOffset(double? OffsetMs, string Reference, DuAlignment? Du);

    /// <summary>
    /// Offsets of every cell. Within a link they come from the lags of the loss patterns (least
    /// squares over all pairs). Each cell's RU packet counts are also aligned against its own DU
    /// throughput; where that alignment is trusted it anchors the whole link to the DU clock.
    /// </summary>
    private static Dictionary<int, CellOffset> AlignClocks(FronthaulDataset dataset, CellTraffic traffic, DiscoveryResult discovery, FronthaulOptions options)
    {
        var du = AlignToDu(dataset, traffic, discovery, options);
        var statIndex = dataset.PacketStats.OrderBy(p => p.CellId).Select((p, i) => (p.CellId, i)).ToDictionary(x => x.CellId, x => x.i);
        var result = new Dictionary<int, CellOffset>();
        foreach (var (_, members) in discovery.LinkMembers)
        {
            var solvable = members.Where(c => discovery.EvidenceCells.Contains(c)).ToList();
            var relative = new Dictionary<int, double>();
            if (solvable.Count > 0)
            {
                var slots = OffsetSolver.Solve([.. solvable.Select(c => statIndex[c])], discovery.Peaks, p => IsEvidence(p, options));
                for (var i = 0; i < solvable.Count; i++)
                {
                    if (!double.IsNaN(slots[i]))
                    {
                        // + 0.0 turns a negative zero into zero for the report.
                        relative[solvable[i]] = (Math.Round(slots[i]) * SlotBinning.SlotSeconds * 1000) + 0.0;
                    }
                }
            }

            // Anchor: the median disagreement between DU-based and loss-based offsets over the cells
            // where both exist; one trusted DU alignment ties the whole link to the DU clock.
            var anchors = relative.Keys.Where(c => du.TryGetValue(c, out var d) && d.Trusted)
                .Select(c => du[c].OffsetMs - relative[c]).Order().ToList();
            double? shift = anchors.Count > 0 ? anchors[anchors.Count / 2] : null;
            var reference = solvable.Count > 0 ? $"cell {solvable[0]}" : "none";
            foreach (var cell in members)
            {
                du.TryGetValue(cell, out var d);
                if (relative.TryGetValue(cell, out var rel))
                {
                    result[cell] = shift is { } s ? new CellOffset(Math.Round(rel + s, 1), "du", d) : new CellOffset(rel, reference, d);
                }
                else if (d is { Trusted: true })
                {
                    result[cell] = new CellOffset(d.OffsetMs, "du", d);
                }
                else
                {
                    result[cell] = new CellOffset(null, "none", d);
                }
            }
        }

        foreach (var cell in discovery.Placements.Keys.Where(c => !result.ContainsKey(c)))
        {
            du.TryGetValue(cell, out var d);
            result[cell] = d is { Trusted: true } ? new CellOffset(d.OffsetMs, "du", d) : new CellOffset(null, "none", d);
        }

        return result;
    }

    /// <summary>Lag of each cell's RU transmitted-packet series against its DU kilobit series.</summary>
    private static Dictionary<int, DuAlignment> AlignToDu(FronthaulDataset dataset, CellTraffic traffic, DiscoveryResult discovery, FronthaulOptions options)
    {
        var cells = dataset.PacketStats.Where(p => traffic.Has(p.CellId)).ToArray();
        var result = new System.Collections.Concurrent.ConcurrentDictionary<int, DuAlignment>();
        if (cells.Length == 0)
        {
            return [];
        }

        var origin = Math.Min(discovery.OriginSeconds, cells.Min(c => traffic.StartSeconds(c.CellId)));
        var end = Math.Max(discovery.OriginSeconds + (discovery.GridLength * SlotBinning.SlotSeconds), cells.Max(c => traffic.EndSeconds(c.CellId)));
        var length = SlotBinning.SlotOf(end, origin) + 1;
        var maxLag = (int)Math.Ceiling(options.MaxClockOffsetSeconds / SlotBinning.SlotSeconds);
        const int Factor = LagSearch.CoarseFactor;
        var correlator = new CrossCorrelator((length + Factor - 1) / Factor, (maxLag / Factor) + 1);
        Parallel.ForEach(cells, options.ParallelOptions, stats =>
        {
            // Pooled: the live agent aligns every cell every few seconds.
            var ruBuffer = System.Buffers.ArrayPool<double>.Shared.Rent(length);
            var duBuffer = System.Buffers.ArrayPool<double>.Shared.Rent(length);
            var ru = ruBuffer.AsSpan(0, length);
            var duKbit = duBuffer.AsSpan(0, length);
            SlotBinning.TxPerSlot(stats, origin, ru);
            traffic.KbitPerSlot(stats.CellId, origin, duKbit);
            var coarse = correlator.Correlate(SlotBinning.Coarsen(ru, Factor), SlotBinning.Coarsen(duKbit, Factor));
            var fine = LagSearch.RefineDense(ru, duKbit, coarse, Factor);
            System.Buffers.ArrayPool<double>.Shared.Return(ruBuffer);
            System.Buffers.ArrayPool<double>.Shared.Return(duBuffer);
            var trusted = fine.Correlation > 0 && coarse.ZScore >= options.MinPeakZ && Math.Abs(fine.Lag) <= maxLag;
            result[stats.CellId] = new DuAlignment(
                Math.Round(fine.Lag * SlotBinning.SlotSeconds * 1000, 1),
                Math.Round(fine.Correlation, 3),
                Math.Round(coarse.ZScore, 1),
                trusted);
        });

        return new Dictionary<int, DuAlignment>(result);
    }
}
