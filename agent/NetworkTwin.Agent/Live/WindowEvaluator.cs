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
/// Cells (steps 1) and links (step 3) are worked on in parallel as the analysis' parallelism allows, each worker
/// with its own reused buffers. Not thread-safe; <see cref="LiveTwin"/> runs one evaluation at a time.
/// </summary>
internal sealed class WindowEvaluator(int windowSymbols, FronthaulOptions options)
{
    private readonly System.Collections.Concurrent.ConcurrentBag<Buffers> _buffers = [];
    private readonly Dictionary<int, double[]> _slotColumns = [];
    private readonly OutlierRule _rule = new(options.OutlierFactor);
    // At most one worker per core, so at most that many buffer sets (each 12 bytes per symbol of the window) exist.
    private readonly ParallelOptions _parallel = new()
    {
        MaxDegreeOfParallelism = options.MaxParallelism > 0 ? Math.Min(options.MaxParallelism, Environment.ProcessorCount) : Environment.ProcessorCount,
    };

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
            foreach (var cell in cells.Where(c => !_slotColumns.ContainsKey(c.CellId)))
            {
                _slotColumns[cell.CellId] = new double[windowSymbols / SymbolGrid.SymbolsPerSlot];
            }

            var cleaned = new (double Kbit, int Removed)?[cells.Count];
            ForEachWithBuffers(cells.Count, (c, buffers) =>
            {
                var cell = cells[c];
                if (cell.CopySymbols(first, buffers.Scratch))
                {
                    var result = _rule.Apply(buffers.Scratch.AsSpan());
                    cleaned[c] = (result.ThresholdKbit, result.Removed);
                    BinIntoSlots(buffers.Scratch, _slotColumns[cell.CellId]);
                }
            });

            var ids = new List<int>();
            var columns = new List<double[]>();
            for (var c = 0; c < cells.Count; c++)
            {
                if (cleaned[c] is { } threshold)
                {
                    thresholds[cells[c].CellId] = threshold;
                    ids.Add(cells[c].CellId);
                    columns.Add(_slotColumns[cells[c].CellId]);
                }
            }

            table = ids.Count > 0 ? new SlotTable([.. ids], [.. columns], first * SymbolGrid.SymbolSeconds) : null;
        }

        var report = FronthaulAnalyzer.Analyze(new FronthaulDataset([], packets, table, 0), options);
        var lossAtTarget = new Dictionary<int, double>();
        if (table is null)
        {
            return (report, 0, lossAtTarget);
        }

        var links = report.Links.ToArray();
        var targets = links.Select(l => targetGbps?.Invoke(l.Id)).ToArray();
        var lossAtTargets = new double?[links.Length];
        ForEachWithBuffers(links.Length, (l, buffers) => (links[l], lossAtTargets[l]) = SizeAtSymbols(links[l], cells, first, thresholds, targets[l], buffers));
        for (var l = 0; l < links.Length; l++)
        {
            if (lossAtTargets[l] is { } loss)
            {
                lossAtTarget[links[l].Id] = loss;
            }
        }

        var outliers = report.Cells.Select(c => c with { OutliersRemoved = thresholds.GetValueOrDefault(c.Id).Removed }).ToList();
        var cleaning = report.Cleaning with { OutliersRemoved = thresholds.Values.Sum(t => (long)t.Removed) };
        return (report with { Links = [.. links], Cells = outliers, Cleaning = cleaning }, (end + 1) * SymbolGrid.SymbolSeconds, lossAtTarget);
    }

    private static void BinIntoSlots(float[] symbols, double[] column)
    {
        for (var k = 0; k < column.Length; k++)
        {
            var sum = 0.0;
            foreach (var v in symbols.AsSpan(k * SymbolGrid.SymbolsPerSlot, SymbolGrid.SymbolsPerSlot))
            {
                sum += v;
            }

            column[k] = sum;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for 0..count-1, each worker with a set of buffers kept for the next evaluation. On one
    /// core (the agent's default) it stays on the calling thread: the evaluation thread runs at a lower priority than
    /// ingest, and a pool thread would not.
    /// </summary>
    private void ForEachWithBuffers(int count, Action<int, Buffers> body)
    {
        if (_parallel.MaxDegreeOfParallelism == 1)
        {
            var buffers = _buffers.TryTake(out var b) ? b : new Buffers(windowSymbols);
            for (var i = 0; i < count; i++)
            {
                body(i, buffers);
            }

            _buffers.Add(buffers);
            return;
        }

        Parallel.For(
            0,
            count,
            _parallel,
            () => _buffers.TryTake(out var b) ? b : new Buffers(windowSymbols),
            (i, _, buffers) =>
            {
                body(i, buffers);
                return buffers;
            },
            _buffers.Add);
    }

    /// <summary>The link's cleaned symbol series, summed over its cells, through the buffer model (and at its target, if it has one).</summary>
    private (LinkReport Link, double? LossAtTargetPercent) SizeAtSymbols(LinkReport link, IReadOnlyList<CellWindow> cells, long first, Dictionary<int, (double Kbit, int Removed)> thresholds, double? targetGbps, Buffers buffers)
    {
        var series = buffers.LinkSeries.AsSpan();
        var scratch = buffers.Scratch;
        series.Clear();
        var any = false;
        foreach (var cell in cells.Where(c => link.Cells.Contains(c.CellId) && thresholds.ContainsKey(c.CellId)))
        {
            if (!cell.CopySymbols(first, scratch))
            {
                continue;
            }

            var threshold = thresholds[cell.CellId].Kbit;
            for (var i = 0; i < series.Length; i++)
            {
                var v = scratch[i];
                series[i] += v > threshold ? 0 : v;
            }

            any = true;
        }

        if (!any)
        {
            return (link, null);
        }

        var stats = RateStatistics.FromKbit(series, SymbolGrid.SymbolSeconds);
        var capacity = CapacitySearch.MinimumCapacity(series, SymbolGrid.SymbolSeconds, options.BufferMicros * 1e-6, options.LossTarget);
        double? lossAtTarget = targetGbps is > 0 and var target
            ? FluidBufferModel.LossRatio(series, SymbolGrid.SymbolSeconds, target * 1e9, options.BufferMicros * 1e-6) * 100
            : null;
        return (link with
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
        }, lossAtTarget);
    }

    /// <summary>One worker's buffers: a cell's symbols and a link's summed series, each a window long.</summary>
    private sealed class Buffers(int windowSymbols)
    {
        public float[] Scratch { get; } = new float[windowSymbols];

        public double[] LinkSeries { get; } = new double[windowSymbols];
    }
}
