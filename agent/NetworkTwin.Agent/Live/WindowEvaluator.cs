using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Cleaning;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Statistics;

namespace NetworkTwin.Agent.Live;

/// <summary>
/// Analyses the live window with the batch pipeline's algorithms, without copying every cell's
/// window at once (24 cells x 8 s of symbols would be ~22 MB per run, plus what the analysis
/// derives from it):
/// <list type="number">
/// <item>each cell's symbols are copied into one reused buffer, cleaned by the outlier rule, and
///   binned into slots;</item>
/// <item>the slot table and the RU packet counts go through <see cref="FronthaulAnalyzer"/>: link
///   discovery, clock alignment, statistics;</item>
/// <item>each link is then re-sized at symbol resolution: its cells' cleaned symbols are summed
///   into one reused series and the buffer model finds the capacity.</item>
/// </list>
/// Not thread-safe; <see cref="LiveTwin"/> runs one evaluation at a time.
/// </summary>
internal sealed class WindowEvaluator(int windowSymbols, FronthaulOptions options)
{
    private readonly float[] _scratch = new float[windowSymbols];
    private readonly double[] _linkSeries = new double[windowSymbols];
    private readonly Dictionary<int, double[]> _slotColumns = [];
    private readonly OutlierRule _rule = new(options.OutlierFactor);

    /// <param name="targetGbps">A link's capacity target, if it has one: the link's traffic is also run through the buffer model at it.</param>
    public (FronthaulReport Report, double DataTimeSeconds, Dictionary<int, double> LossAtTargetPercent)? Evaluate(IReadOnlyList<CellWindow> cells, Func<int, double?>? targetGbps = null)
    {
        var end = cells.Select(c => c.NewestSymbol).Max();
        var packets = cells.Select(c => c.SnapshotPackets()).OfType<PacketStatsSeries>().ToList();
        if (end == long.MinValue && packets.Count == 0)
        {
            return null;
        }

        SlotTable? table = null;
        var thresholds = new Dictionary<int, (double Kbit, int Removed)>();
        var first = 0L;
        if (end != long.MinValue)
        {
            // Window aligned to whole slots, ending with the newest symbol seen on any cell.
            first = Math.Max(0, ((end + 1) / SymbolGrid.SymbolsPerSlot * SymbolGrid.SymbolsPerSlot) - windowSymbols);
            var ids = new List<int>();
            var columns = new List<double[]>();
            foreach (var cell in cells)
            {
                if (!cell.CopySymbols(first, _scratch))
                {
                    continue;
                }

                var cleaned = _rule.Apply(_scratch.AsSpan());
                thresholds[cell.CellId] = (cleaned.ThresholdKbit, cleaned.Removed);
                ids.Add(cell.CellId);
                columns.Add(BinIntoSlots(cell.CellId));
            }

            table = ids.Count > 0 ? new SlotTable([.. ids], [.. columns], first * SymbolGrid.SymbolSeconds) : null;
        }

        var report = FronthaulAnalyzer.Analyze(new FronthaulDataset([], packets, table, 0), options);
        var lossAtTarget = new Dictionary<int, double>();
        if (table is null)
        {
            return (report, 0, lossAtTarget);
        }

        var links = report.Links.Select(l => SizeAtSymbols(l, cells, first, thresholds, targetGbps?.Invoke(l.Id), lossAtTarget)).ToList();
        var outliers = report.Cells.Select(c => c with { OutliersRemoved = thresholds.GetValueOrDefault(c.Id).Removed }).ToList();
        var cleaning = report.Cleaning with { OutliersRemoved = thresholds.Values.Sum(t => (long)t.Removed) };
        return (report with { Links = links, Cells = outliers, Cleaning = cleaning }, (end + 1) * SymbolGrid.SymbolSeconds, lossAtTarget);
    }

    private double[] BinIntoSlots(int cellId)
    {
        var slots = windowSymbols / SymbolGrid.SymbolsPerSlot;
        if (!_slotColumns.TryGetValue(cellId, out var column))
        {
            column = new double[slots];
            _slotColumns[cellId] = column;
        }

        for (var k = 0; k < slots; k++)
        {
            var sum = 0.0;
            var symbols = _scratch.AsSpan(k * SymbolGrid.SymbolsPerSlot, SymbolGrid.SymbolsPerSlot);
            foreach (var v in symbols)
            {
                sum += v;
            }

            column[k] = sum;
        }

        return column;
    }

    /// <summary>The link's cleaned symbol series, summed over its cells, through the buffer model (and at its target, if it has one).</summary>
    private LinkReport SizeAtSymbols(LinkReport link, IReadOnlyList<CellWindow> cells, long first, Dictionary<int, (double Kbit, int Removed)> thresholds, double? targetGbps, Dictionary<int, double> lossAtTarget)
    {
        var series = _linkSeries.AsSpan();
        series.Clear();
        var any = false;
        foreach (var cell in cells.Where(c => link.Cells.Contains(c.CellId) && thresholds.ContainsKey(c.CellId)))
        {
            if (!cell.CopySymbols(first, _scratch))
            {
                continue;
            }

            var threshold = thresholds[cell.CellId].Kbit;
            for (var i = 0; i < series.Length; i++)
            {
                var v = _scratch[i];
                series[i] += v > threshold ? 0 : v;
            }

            any = true;
        }

        if (!any)
        {
            return link;
        }

        var stats = RateStatistics.FromKbit(series, SymbolGrid.SymbolSeconds);
        var capacity = CapacitySearch.MinimumCapacity(series, SymbolGrid.SymbolSeconds, options.BufferMicros * 1e-6, options.LossTarget);
        if (targetGbps is > 0 and var target)
        {
            lossAtTarget[link.Id] = FluidBufferModel.LossRatio(series, SymbolGrid.SymbolSeconds, target * 1e9, options.BufferMicros * 1e-6) * 100;
        }

        return link with
        {
            PeakGbps = Math.Round(stats.PeakGbps, 3),
            P99Gbps = Math.Round(stats.P99Gbps, 3),
            P95Gbps = Math.Round(stats.P95Gbps, 3),
            MeanGbps = Math.Round(stats.MeanGbps, 3),
            CapacityGbps = Math.Round(capacity.CapacityBitsPerSecond / 1e9, 3),
            CapacityNoBufferGbps = Math.Round(capacity.PeakBitsPerSecond / 1e9, 3),
            SavingPercent = Math.Round(capacity.SavingPercent, 1),
            ModelLossPercent = Math.Round(capacity.LossAtCapacity * 100, 3),
            Resolution = "symbol",
        };
    }
}
