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
        Parallel.ForEach(discovery.LinkMembers, link =>
        {
            var cells = link.Value.ToArray();
            var withTraffic = cells.Where(traffic.Has).ToArray();
            var (series, interval, resolution) = LinkSeries(traffic, withTraffic);
            var stats = RateStatistics.FromKbit(series, interval);
            var capacity = CapacitySearch.MinimumCapacity(series, interval, options.BufferMicros * 1e-6, options.LossTarget);
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
                withTraffic.Length == 0 ? "none" : resolution));
        });

        var missing = discovery.LinkMembers.SelectMany(l => l.Value).Where(c => !traffic.Has(c)).ToArray();
        if (missing.Length > 0)
        {
            warnings.Add($"No DU throughput for cell(s) {string.Join(", ", missing)}: their traffic is missing from the link sizing.");
        }

        return [.. reports.OrderBy(r => r.Id)];
    }

    /// <summary>Sum of the cells' kbit at symbol resolution if every cell has symbols, otherwise per slot.</summary>
    private static (double[] Kbit, double IntervalSeconds, string Resolution) LinkSeries(CellTraffic traffic, int[] cells)
    {
        if (cells.Length == 0)
        {
            return ([], SymbolGrid.SlotSeconds, "none");
        }

        if (cells.All(traffic.Symbols.ContainsKey))
        {
            var grids = cells.Select(c => traffic.Symbols[c]).ToArray();
            var first = grids.Min(g => g.FirstSymbol);
            var series = new double[grids.Max(g => g.EndSymbol) - first];
            foreach (var g in grids)
            {
                var offset = (int)(g.FirstSymbol - first);
                for (var i = 0; i < g.Kbit.Length; i++)
                {
                    series[offset + i] += g.Kbit[i];
                }
            }

            return (series, SymbolGrid.SymbolSeconds, "symbol");
        }

        var origin = cells.Min(traffic.StartSeconds);
        var length = Alignment.SlotBinning.SlotOf(cells.Max(traffic.EndSeconds), origin) + 1;
        var sum = new double[length];
        foreach (var c in cells)
        {
            var s = traffic.KbitPerSlot(c, origin, length);
            for (var i = 0; i < length; i++)
            {
                sum[i] += s[i];
            }
        }

        return (sum, SymbolGrid.SlotSeconds, "slot");
    }

    private static double? ObservedLossPercent(Dictionary<int, (long Tx, long Lost)> packets, int[] cells)
    {
        var tx = cells.Sum(c => packets.GetValueOrDefault(c).Tx);
        var lost = cells.Sum(c => packets.GetValueOrDefault(c).Lost);
        return tx > 0 ? Math.Round(100.0 * lost / tx, 3) : null;
    }

    private static double Round(double gbps) => Math.Round(gbps, 3);
}
