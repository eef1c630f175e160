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

    /// <summary>The DU traffic of each cell after cleaning: symbols where the raw files exist, slots otherwise.</summary>
    private static CellTraffic CleanTraffic(FronthaulDataset dataset, OutlierRule rule, ParallelOptions parallel, out Dictionary<int, int> outliersByCell)
    {
        var removed = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var symbols = dataset.Symbols.ToDictionary(s => s.CellId);
        Parallel.ForEach(symbols.Values, parallel, grid => removed[grid.CellId] = rule.Apply(grid.Kbit).Removed);

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

            Parallel.ForEach(slotColumns, parallel, pair => removed[pair.Key] = rule.Apply(table.KbitByCell[pair.Value].AsSpan()).Removed);
        }

        outliersByCell = new Dictionary<int, int>(removed);
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
