using NetworkTwin.Analytics.Cleaning;

namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// Raw fronthaul telemetry in, link map and link capacities out. Pure: the dataset is already
/// in memory; the analysis cleans it (in place), discovers which cells share a link from their
/// loss patterns, recovers clock offsets, and sizes every link with the buffer model.
/// </summary>
public static partial class FronthaulAnalyzer
{
    public static FronthaulReport Analyze(FronthaulDataset dataset, FronthaulOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        var warnings = new List<string>();
        var cellIds = dataset.PacketStats.Select(p => p.CellId)
            .Concat(dataset.Symbols.Select(s => s.CellId))
            .Concat(dataset.Slots?.CellIds ?? [])
            .Distinct().Order().ToArray();
        foreach (var pinned in options.Pins.Keys.Where(c => !cellIds.Contains(c)))
        {
            warnings.Add($"--pin names cell {pinned}, which has no data; the pin is ignored.");
        }

        progress?.Report("cleaning throughput");
        var rule = new OutlierRule(options.OutlierFactor);
        var traffic = CleanTraffic(dataset, rule, options.ParallelOptions, out var outliersByCell);

        progress?.Report("correlating loss patterns");
        var discovery = Discover(dataset, cellIds, options, warnings);

        progress?.Report("aligning clocks");
        var offsets = AlignClocks(dataset, traffic, discovery, options);

        var packets = dataset.PacketStats.ToDictionary(p => p.CellId, p => p.Totals());

        progress?.Report("sizing links");
        var links = SizeLinks(traffic, discovery, packets, options, warnings);

        var cells = cellIds.Select(id =>
        {
            var (tx, lost) = packets.GetValueOrDefault(id);
            var placement = discovery.Placements[id];
            var offset = offsets[id];
            return new CellReport(
                id,
                placement.Link,
                offset.OffsetMs,
                offset.Reference,
                Math.Round(placement.Confidence, 3),
                placement.Evidence,
                tx,
                lost,
                outliersByCell.GetValueOrDefault(id),
                offset.Du);
        }).ToList();

        var cleaning = new CleaningReport(
            outliersByCell.Values.Sum(),
            dataset.MalformedLines,
            dataset.Symbols.Sum(s => (long)s.MergedRows),
            $"a sample above {options.OutlierFactor:0.##} x the cell's 90th percentile of non-zero samples is a measurement error and is set to 0");
        return new FronthaulReport(cells, links, cleaning, discovery.Report, warnings);
    }

    /// <summary>
    /// The traffic the sizing of <paramref name="link"/> saw: each of its cells' DU kilobits per interval on one grid,
    /// symbols when every cell has them, slots otherwise (their sum is the series the buffer model sized). Pass the
    /// dataset <see cref="Analyze"/> ran on: the analysis cleans the dataset's series in place, so this is the
    /// cleaned traffic, not cleaned twice.
    /// </summary>
    public static LinkTraffic TrafficOf(FronthaulDataset analysed, LinkReport link)
    {
        ArgumentNullException.ThrowIfNull(analysed);
        ArgumentNullException.ThrowIfNull(link);
        var traffic = Traffic(analysed);
        var cells = link.Cells.Where(traffic.Has).ToArray();
        if (cells.Length == 0)
        {
            return new LinkTraffic(link.Id, [], SymbolGrid.SlotSeconds, "none", 0, []);
        }

        if (cells.All(traffic.Symbols.ContainsKey))
        {
            var grids = cells.Select(c => traffic.Symbols[c]).ToArray();
            var first = grids.Min(g => g.FirstSymbol);
            var length = (int)(grids.Max(g => g.EndSymbol) - first);
            var series = grids.Select(g =>
            {
                var kbit = new double[length];
                var offset = (int)(g.FirstSymbol - first);
                for (var i = 0; i < g.Kbit.Length; i++)
                {
                    kbit[offset + i] = g.Kbit[i];
                }

                return kbit;
            }).ToArray();
            return new LinkTraffic(link.Id, cells, SymbolGrid.SymbolSeconds, "symbol", first * SymbolGrid.SymbolSeconds, series);
        }

        var origin = cells.Min(traffic.StartSeconds);
        var slots = Alignment.SlotBinning.SlotOf(cells.Max(traffic.EndSeconds), origin) + 1;
        var perSlot = cells.Select(c =>
        {
            var kbit = new double[slots];
            traffic.KbitPerSlot(c, origin, kbit);
            return kbit;
        }).ToArray();
        return new LinkTraffic(link.Id, cells, SymbolGrid.SlotSeconds, "slot", origin, perSlot);
    }

    /// <summary>The DU traffic of each cell after cleaning: symbols where the raw files exist, slots otherwise.</summary>
    private static CellTraffic CleanTraffic(FronthaulDataset dataset, OutlierRule rule, ParallelOptions parallel, out Dictionary<int, int> outliersByCell)
    {
        var removed = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var traffic = Traffic(dataset);
        Parallel.ForEach(traffic.Symbols.Values, parallel, grid => removed[grid.CellId] = rule.Apply(grid.Kbit).Removed);
        Parallel.ForEach(traffic.SlotColumns, parallel, pair => removed[pair.Key] = rule.Apply(traffic.Slots!.KbitByCell[pair.Value].AsSpan()).Removed);
        outliersByCell = new Dictionary<int, int>(removed);
        return traffic;
    }

    /// <summary>Where each cell's DU traffic comes from: its symbol grid where the raw file exists, the slot table otherwise.</summary>
    private static CellTraffic Traffic(FronthaulDataset dataset)
    {
        var symbols = dataset.Symbols.ToDictionary(s => s.CellId);
        var slotColumns = new Dictionary<int, int>();
        if (dataset.Slots is { } table)
        {
            for (var c = 0; c < table.CellIds.Length; c++)
            {
                // The slot table is only used for cells whose raw symbol file is missing.
                if (!symbols.ContainsKey(table.CellIds[c]))
                {
                    slotColumns[table.CellIds[c]] = c;
                }
            }
        }

        return new CellTraffic(symbols, dataset.Slots, slotColumns);
    }

    private sealed record CellTraffic(Dictionary<int, SymbolGrid> Symbols, SlotTable? Slots, Dictionary<int, int> SlotColumns)
    {
        public bool Has(int cell) => Symbols.ContainsKey(cell) || SlotColumns.ContainsKey(cell);

        /// <summary>Start of the DU data in seconds (DU clock).</summary>
        public double StartSeconds(int cell) => Symbols.TryGetValue(cell, out var g) ? g.StartSeconds : Slots!.StartSeconds;

        public double EndSeconds(int cell) => Symbols.TryGetValue(cell, out var g)
            ? g.EndSymbol * SymbolGrid.SymbolSeconds
            : Slots!.StartSeconds + (Slots.SlotCount * SymbolGrid.SlotSeconds);

        public void KbitPerSlot(int cell, double origin, Span<double> series)
        {
            if (Symbols.TryGetValue(cell, out var g))
            {
                Alignment.SlotBinning.KbitPerSlot(g, origin, series);
            }
            else
            {
                Alignment.SlotBinning.KbitPerSlot(Slots!, SlotColumns[cell], origin, series);
            }
        }
    }
}
