using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetworkTwin.Analytics.Alignment;
using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Parsing;
using NetworkTwin.Analytics.Scenario;
using NetworkTwin.Console.Cli;
using NetworkTwin.Console.Lab.Fronthaul;
using NetworkTwin.Telemetry.Files;
using Spectre.Console;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench fronthaul</c>: the speed figures of the fronthaul pipeline, measured
/// here and now (warm-up first, then the median of repeated runs). Not a test: it prints numbers.
/// </summary>
public static class BenchCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "A real capture folder for the end-to-end figure (e.g. ../shared/data/fronthaul)." };
        var repeat = new Option<int>("--repeat") { Description = "Measured runs per figure (median reported).", DefaultValueFactory = _ => 7 };
        string[] figureNames = ["parse", "capacity", "pairs", "end-to-end"];
        var only = new Option<string[]>("--only")
        {
            Description = "Figures to measure: parse (generated files, and the real capture's pkt-stats next to numpy's loadtxt with --data), capacity, pairs (the pairwise loss correlation), end-to-end (with --data) (default: all).",
            DefaultValueFactory = _ => figureNames,
            AllowMultipleArgumentsPerToken = true,
        };
        var fronthaul = new Command("fronthaul", "Parse rate, capacity search and end-to-end time of the fronthaul pipeline.") { data, repeat, only };
        fronthaul.SetAction(async (parse, ct) =>
        {
            var runs = Math.Clamp(parse.GetValue(repeat), 1, 100);
            var figures = (parse.GetValue(only) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (figures.Count == 0 || figures.Except(figureNames, StringComparer.OrdinalIgnoreCase).Any())
            {
                throw new CliUsageException($"--only takes {string.Join(", ", figureNames)} (got {string.Join(' ', figures)}).");
            }

            var folder = parse.GetValue(data);
            var table = new Table().Border(TableBorder.Rounded).AddColumns("figure", "median", "best", "target");
            if (figures.Contains("parse"))
            {
                Parse(table, runs);
                if (folder is not null)
                {
                    await RealParseBench.AddAsync(table, console, folder.FullName, runs, ct).ConfigureAwait(false);
                }
            }

            if (figures.Contains("capacity"))
            {
                Capacity(table, runs);
            }

            if (figures.Contains("pairs"))
            {
                PairwiseLoss(table, Math.Min(runs, 3));
            }

            if (folder is not null && figures.Contains("end-to-end"))
            {
                await EndToEndAsync(table, folder.FullName, Math.Min(runs, 5), ct).ConfigureAwait(false);
            }

            console.Write(table);
            console.MarkupLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}.");
            return CliApp.ExitOk;
        });
        var bench = new Command("bench", "Measure the speed of the product's pipelines on this machine.");
        bench.Add(fronthaul);
        bench.Add(AgentBench.Create(console));
        bench.Add(DesignBench.Create(console));
        bench.Add(DesignApiBench.Create(console));
        bench.Add(RpcBench.Create(console));
        bench.Add(SyncBench.Create(console));
        bench.Add(FleetBench.Create(console));
        bench.Add(OnnxBench.Create(console));
        return bench;
    }

    /// <summary>Single-core parse rate of both .dat formats from memory (no disk, no pipe), into the grid or series the analysis takes.</summary>
    private static void Parse(Table table, int runs)
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 1, Links = 1, CellsPerRu = 1, DurationSeconds = 60, Seed = 3 });
        var throughput = ThroughputBytes(scenario.Symbols[0]);
        var pkt = PktStatsBytes(scenario.PacketStats[0]);
        var rate = Measure(runs, () =>
        {
            var parser = new ThroughputDatParser(1, "bench");
            var seq = new ReadOnlySequence<byte>(throughput);
            parser.Parse(ref seq, isFinalBlock: true);
            parser.Complete();
            _ = parser.ToGrid();
        });
        AddRate(table, $"throughput .dat parse, 1 core ({throughput.Length / 1e6:0} MB)", throughput.Length, rate);
        rate = Measure(runs, () =>
        {
            var parser = new PktStatsDatParser(1, "bench");
            var seq = new ReadOnlySequence<byte>(pkt);
            parser.Parse(ref seq, isFinalBlock: true);
            parser.Complete();
            _ = parser.ToSeries();
        });
        AddRate(table, $"pkt-stats .dat parse, 1 core ({pkt.Length / 1e6:0.0} MB)", pkt.Length, rate);
    }

    /// <summary>Capacity search on 12 cells x 120,000 slots, including summing the cells.</summary>
    private static void Capacity(Table table, int runs)
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 12, Links = 1, CellsPerRu = 4, DurationSeconds = 60, Seed = 5, OutlierRate = 0 });
        var slots = scenario.Symbols.Select(g =>
        {
            var perSlot = new double[g.Kbit.Length / SymbolGrid.SymbolsPerSlot];
            for (var i = 0; i < g.Kbit.Length; i++)
            {
                perSlot[i / SymbolGrid.SymbolsPerSlot] += g.Kbit[i];
            }

            return perSlot;
        }).ToArray();
        // Now (three bisection steps a pass over the link) and before (one capacity a pass), in turn, the same answer.
        foreach (var (name, search) in new (string, Func<double[], CapacityResult>)[]
        {
            ("three steps a pass", link => CapacitySearch.MinimumCapacity(link, SymbolGrid.SlotSeconds, 143e-6, 0.01)),
            ("before: one capacity a pass", link => NetworkTwin.Testing.Legacy.OneCapacityAtATime.MinimumCapacity(link, SymbolGrid.SlotSeconds, 143e-6, 0.01)),
        })
        {
            var result = default(CapacityResult);
            var times = Measure(runs * 3, () =>
            {
                var link = new double[slots[0].Length];
                foreach (var cell in slots)
                {
                    for (var i = 0; i < link.Length; i++)
                    {
                        link[i] += cell[i];
                    }
                }

                result = search(link);
            });
            table.AddRow($"capacity search, 12 cells x {slots[0].Length:N0} slots, {name} ({result.Evaluations} buffer runs, {result.CapacityBitsPerSecond / 1e9:0.000} Gbit/s)", Ms(times.Median), Ms(times.Best), "< 10 ms");
        }
    }

    /// <summary>
    /// Loss correlation of every pair of 200 cells over an agent's 8 s window (plus the 3 s of clock offsets it keeps),
    /// one core: every pair by FFT (the method before the sparse path), the cheapest way per pair (same peaks), and that
    /// with the pairs that cannot reach the evidence threshold left unscored, as the analysis runs it (same evidence).
    /// </summary>
    private static void PairwiseLoss(Table table, int runs)
    {
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 200, Links = 25, DurationSeconds = 11, Seed = 5 });
        var stats = scenario.PacketStats.OrderBy(p => p.CellId).ToArray();
        var origin = stats.Min(s => s.TimesSeconds.Min());
        var grid = SlotBinning.SlotOf(stats.Max(s => s.TimesSeconds.Max()), origin) + 2;
        var loss = stats.Select(s => SlotBinning.LossSlots(s, origin, grid)).ToArray();
        var maxLag = (int)Math.Ceiling(3.0 / SlotBinning.SlotSeconds);
        var one = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        var pairs = loss.Length * (loss.Length - 1) / 2;
        var minPeakZ = new FronthaulOptions().MinPeakZ;
        var methods = new[]
        {
            (PairCorrelation.Fft, 0.0, "every pair by FFT (first)"),
            (PairCorrelation.Cheapest, 0.0, "sparse pairs from their loss events, every pair scored (before)"),
            (PairCorrelation.Cheapest, minPeakZ, string.Create(CultureInfo.InvariantCulture, $"the same, pairs that cannot reach z {minPeakZ:0} not scored (now)")),
        };
        foreach (var (method, minZ, name) in methods)
        {
            var times = Measure(runs, () => PairwiseLossCorrelation.Compute(loss, grid, maxLag, one, method, minZ));
            table.AddRow($"loss correlation, 200 cells x {grid:N0} slots ({pairs:N0} pairs, {loss.Average(l => l.Length):0} loss slots per cell), 1 core, {name}", Ms(times.Median), Ms(times.Best), "-");
        }
    }

    private static async Task EndToEndAsync(Table table, string folder, int runs, CancellationToken ct)
    {
        var options = new FronthaulOptions { DeclaredLinks = 3, Pins = new Dictionary<int, int> { [1] = 2, [2] = 3 } };
        var seconds = new List<double>();
        var loads = new List<double>();
        long bytes = 0;
        for (var i = 0; i <= runs; i++)
        {
            var sw = Stopwatch.StartNew();
            var capture = await FronthaulCaptureLoader.LoadAsync(folder, new FronthaulLoadOptions(), null, ct).ConfigureAwait(false);
            var load = sw.Elapsed.TotalSeconds;
            FronthaulAnalyzer.Analyze(capture.Dataset, options);
            if (i > 0)
            {
                seconds.Add(sw.Elapsed.TotalSeconds);
                loads.Add(load);
            }

            bytes = capture.BytesRead;
        }

        seconds.Sort();
        loads.Sort();
        table.AddRow($"end to end, {Markup.Escape(folder)} ({bytes / 1e6:0} MB)", $"{seconds[seconds.Count / 2]:0.000} s", $"{seconds[0]:0.000} s", "< 2 s");
        table.AddRow("  of which reading through the pipes (all cores)", $"{loads[loads.Count / 2]:0.000} s ({bytes / 1e6 / loads[loads.Count / 2]:0} MB/s)", $"{loads[0]:0.000} s", string.Empty);
    }

    private static (double Median, double Best) Measure(int runs, Action action)
    {
        // Warm up for at least one run and 300 ms (caches, the GC's budgets): a 5 ms figure measured after one
        // warm-up run swung 5x between runs.
        var warm = Stopwatch.StartNew();
        do
        {
            action();
        }
        while (warm.ElapsedMilliseconds < 300);

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            BenchRuns.CollectBeforeTimedRun();
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalSeconds;
        }

        Array.Sort(times);
        return (times[runs / 2], times[0]);
    }

    private static void AddRate(Table table, string name, long bytes, (double Median, double Best) t) =>
        table.AddRow(name, $"{bytes / 1e6 / t.Median:0} MB/s", $"{bytes / 1e6 / t.Best:0} MB/s", ">= 500 MB/s");

    private static string Ms(double seconds) => (seconds * 1000).ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static byte[] ThroughputBytes(SymbolGrid grid)
    {
        var sb = new StringBuilder(grid.Kbit.Length * 20);
        for (var i = 0; i < grid.Kbit.Length; i++)
        {
            sb.Append(((grid.FirstSymbol + i) * SymbolGrid.SymbolSeconds).ToString("0.########", CultureInfo.InvariantCulture))
                .Append(' ').Append(grid.Kbit[i].ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static byte[] PktStatsBytes(PacketStatsSeries stats)
    {
        var sb = new StringBuilder("<slot> <slotStart> <txPackets> <rxPackets> <tooLateRxPackets>\n");
        for (var i = 0; i < stats.TimesSeconds.Length; i++)
        {
            sb.Append(stats.TimesSeconds[i].ToString("0.#####", CultureInfo.InvariantCulture)).Append(' ')
                .Append(stats.TxPackets[i]).Append(' ').Append(stats.RxPackets[i]).Append(' ').Append(stats.TooLatePackets[i]).Append('\n');
        }

        return Encoding.ASCII.GetBytes(sb.ToString());
    }
}
