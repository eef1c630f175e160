using System.Diagnostics;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Live;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Scenario;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>bench agent --only analysis</c>: what one window analysis costs the agent's code on one core (its default,
/// Agent:Analysis:MaxParallelism = 1), in this process, with no broker or publisher competing: a generated capture fed
/// into the agent's cell windows 2 s at a time, the analysis timed after each step once the window is full. The live
/// figure (<c>--only memory</c>) adds what ingest, the broker and the publisher take from the same cores.
/// </summary>
internal static class AnalysisBench
{
    public static void Measure(IAnsiConsole console, Table table, double windowSeconds, int cells)
    {
        console.MarkupLine(Invariant($"analysis: {cells} cells in process, one core, window {windowSeconds:0.#} s..."));
        var duration = (int)Math.Ceiling(windowSeconds) + 12;
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = cells, Links = cells / 8, DurationSeconds = duration, Seed = 5 });
        // The agent's analysis settings as shipped, made into the analysis' options as the agent makes them.
        var shipped = new AgentOptions.AnalysisOptions();
        var windows = scenario.Symbols.Select(s => new CellWindow(s.CellId, windowSeconds, shipped.MaxClockOffsetSeconds)).ToList();
        var byCell = windows.ToDictionary(w => w.CellId);
        var evaluator = new WindowEvaluator(windows[0].WindowSymbols, AgentOptionsValidator.ToFronthaulOptions(shipped));
        var nextRow = new int[scenario.PacketStats.Count];
        var times = new List<double>();
        var allocated = new List<long>();
        var links = 0;
        var fed = 0.0;
        for (var until = 2.0; until <= duration; until += 2)
        {
            foreach (var grid in scenario.Symbols)
            {
                var window = byCell[grid.CellId];
                var from = Math.Max(0, (long)(fed * SymbolGrid.SymbolsPerSecond) - grid.FirstSymbol);
                var to = Math.Min(grid.Kbit.Length, (long)(until * SymbolGrid.SymbolsPerSecond) - grid.FirstSymbol);
                for (var s = from; s < to; s++)
                {
                    window.Throughput((grid.FirstSymbol + s) * SymbolGrid.SymbolSeconds, grid.Kbit[s]);
                }
            }

            for (var i = 0; i < scenario.PacketStats.Count; i++)
            {
                var stats = scenario.PacketStats[i];
                var window = byCell[stats.CellId];
                for (; nextRow[i] < stats.TimesSeconds.Length && stats.TimesSeconds[nextRow[i]] < until; nextRow[i]++)
                {
                    var r = nextRow[i];
                    window.PacketStats(stats.TimesSeconds[r], stats.TxPackets[r], stats.RxPackets[r], stats.TooLatePackets[r]);
                }
            }

            fed = until;
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var result = evaluator.Evaluate(windows);
            clock.Stop();
            if (until >= windowSeconds + 4 && result is { } r2)
            {
                // The first analyses on a full window run while the JIT still tiers the code up: not the steady state.
                times.Add(clock.Elapsed.TotalMilliseconds);
                allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
                links = r2.Report.Links.Count;
            }
        }

        times.Sort();
        allocated.Sort();
        table.AddRow(
            Invariant($"window analysis, {cells} cells, one core in process (no broker or publisher)"),
            Invariant($"median {times[times.Count / 2]:0} ms, slowest {times[^1]:0} ms over {times.Count} analyses, {allocated[allocated.Count / 2] / 1048576.0:0} MB allocated each; {links} of {cells / 8} links"),
            "<= 1000 ms (of each 2 s)");
    }
}
