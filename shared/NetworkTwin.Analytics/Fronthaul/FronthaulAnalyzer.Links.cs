using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Statistics;

namespace NetworkTwin.Analytics.Fronthaul;

public static partial class FronthaulAnalyzer
{
    /// <summary>
    /// Per link: the sum of its cells' DU traffic (all on the DU clock, so no shift is needed),
    /// its statistics, the loss the RUs observed, and the capacity the buffer model needs.
    /// </summary>
    private static List<LinkReport> SizeLinks(CellTraffic traffic, DiscoveryResult discovery, Dictionary<int, (long Tx, long Lost)> packets, FronthaulOptions options, List<string> warnings)
    {
        var reports = new System.Collections.Concurrent.ConcurrentBag<LinkReport>();
        Parallel.ForEach(discovery.LinkMembers, options.ParallelOptions, link =>
        {
            var cells = link.Value.ToArray();
            var withTraffic = cells.Where(traffic.Has).ToArray();
            var (buffer, length, interval, resolution) = LinkSeries(traffic, withTraffic);
            var series = buffer.AsSpan(0, length);
            var stats = RateStatistics.FromKbit(series, interval);
            var capacity = CapacitySearch.MinimumCapacity(series, interval, options.BufferMicros * 1e-6, options.LossTarget);
            System.Buffers.ArrayPool<double>.Shared.Return(buffer);
            var evidence = discovery.LinkEvidence.GetValueOrDefault(link.Key);
            reports.Add(new LinkReport(
                link.Key,
                cells,
                Round(stats.PeakGbps),
                Round(stats.P99Gbps),
                Round(stats.P95Gbps),
                Round(stats.MeanGbps),
                ObservedLossPercent(packets, cells),
                Round(capacity.CapacityBitsPerSecond / 1e9),
                Round(capacity.PeakBitsPerSecond / 1e9),
                Math.Round(capacity.SavingPercent, 1),
                Math.Round(capacity.LossAtCapacity * 100, 3),
                withTraffic.Length == 0 ? "none" : resolution)
            {
                ClockGroups = evidence?.ClockGroups ?? [],
                MeanCorrelation = evidence?.MeanCorrelation,
                NextLink = evidence?.NextLink,
                NextLinkCorrelation = evidence?.NextLinkCorrelation,
            });
        });

        var missing = discovery.LinkMembers.SelectMany(l => l.Value).Where(c => !traffic.Has(c)).ToArray();
        if (missing.Length > 0)
        {
            warnings.Add($"No DU throughput for cell(s) {string.Join(", ", missing)}: their traffic is missing from the link sizing.");
        }

        return [.. reports.OrderBy(r => r.Id)];
    }

    /// <summary>
    /// Sum of the cells' kbit at symbol resolution if every cell has symbols, otherwise per slot,
    /// in a pooled buffer of which the first <c>Length</c> samples are the series.
    /// </summary>
    private static (double[] Buffer, int Length, double IntervalSeconds, string Resolution) LinkSeries(CellTraffic traffic, int[] cells)
    {
        var pool = System.Buffers.ArrayPool<double>.Shared;
        if (cells.Length == 0)
        {
            return (pool.Rent(0), 0, SymbolGrid.SlotSeconds, "none");
        }

        if (cells.All(traffic.Symbols.ContainsKey))
        {
            var grids = cells.Select(c => traffic.Symbols[c]).ToArray();
            var first = grids.Min(g => g.FirstSymbol);
            var length = (int)(grids.Max(g => g.EndSymbol) - first);
            var buffer = pool.Rent(length);
            var series = buffer.AsSpan(0, length);
            series.Clear();
            foreach (var g in grids)
            {
                var offset = (int)(g.FirstSymbol - first);
                for (var i = 0; i < g.Kbit.Length; i++)
                {
                    series[offset + i] += g.Kbit[i];
                }
            }

            return (buffer, length, SymbolGrid.SymbolSeconds, "symbol");
        }

        var origin = cells.Min(traffic.StartSeconds);
        var slots = Alignment.SlotBinning.SlotOf(cells.Max(traffic.EndSeconds), origin) + 1;
        var sumBuffer = pool.Rent(slots);
        var sum = sumBuffer.AsSpan(0, slots);
        sum.Clear();
        var scratch = pool.Rent(slots);
        foreach (var c in cells)
        {
            var s = scratch.AsSpan(0, slots);
            traffic.KbitPerSlot(c, origin, s);
            for (var i = 0; i < slots; i++)
            {
                sum[i] += s[i];
            }
        }

        pool.Return(scratch);
        return (sumBuffer, slots, SymbolGrid.SlotSeconds, "slot");
    }

    private static double? ObservedLossPercent(Dictionary<int, (long Tx, long Lost)> packets, int[] cells)
    {
        var tx = cells.Sum(c => packets.GetValueOrDefault(c).Tx);
        var lost = cells.Sum(c => packets.GetValueOrDefault(c).Lost);
        return tx > 0 ? Math.Round(100.0 * lost / tx, 3) : null;
    }

    private static double Round(double gbps) => Math.Round(gbps, 3);
}
