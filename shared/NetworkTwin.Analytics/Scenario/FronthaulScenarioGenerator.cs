using NetworkTwin.Analytics.Capacity;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Scenario;

/// <summary>
/// Generates a fronthaul capture that behaves like the real one: cells with bursty on/off
/// traffic at symbol resolution, radio units whose cells share a clock offset, links whose
/// capacity is set so the shared switch buffer drops about the requested fraction, drops
/// shared among the cells in proportion to what they offered, and logger errors. Deterministic
/// for a seed.
/// </summary>
public static class FronthaulScenarioGenerator
{
    /// <summary>A full-bandwidth symbol in the real data: 676.933 kbit (~19 Gbit/s).</summary>
    public const double FullSymbolKbit = 676.933;

    /// <summary>Payload of one eCPRI packet in the generated stats.</summary>
    public const double PacketKbit = 8.0;

    /// <summary>The size of the logger errors seen in the real data.</summary>
    public const double OutlierKbit = 289_000;

    public static GeneratedScenario Generate(ScenarioSpec spec)
    {
        var problems = spec.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(spec));
        }

        var random = new Random(spec.Seed);
        var slots = (int)Math.Round(spec.DurationSeconds / SymbolGrid.SlotSeconds);
        var symbols = slots * SymbolGrid.SymbolsPerSlot;
        var firstSymbol = (long)Math.Round(spec.StartSeconds / SymbolGrid.SymbolSeconds);
        var cellIds = Enumerable.Range(1, spec.Cells).ToArray();

        // Whole radio units go on one link; units are dealt to links at random.
        var rus = (spec.Cells + spec.CellsPerRu - 1) / spec.CellsPerRu;
        var ruOrder = Enumerable.Range(0, rus).OrderBy(_ => random.Next()).ToArray();
        var linkOfRu = new int[rus];
        for (var i = 0; i < rus; i++)
        {
            linkOfRu[ruOrder[i]] = (i % spec.Links) + 1;
        }

        var offsetSlotsOfRu = Enumerable.Range(0, rus)
            .Select(_ => (int)Math.Round((random.NextDouble() * 2 - 1) * spec.MaxClockOffsetSeconds / SymbolGrid.SlotSeconds)).ToArray();
        var ruOfCell = cellIds.ToDictionary(c => c, c => (c - 1) / spec.CellsPerRu);

        var clean = cellIds.Select(c => CellTraffic(random, slots)).ToArray();

        var truthLinks = new Dictionary<int, double>();
        var truthLoss = new Dictionary<int, double>();
        var drops = cellIds.Select(_ => new double[symbols]).ToArray();
        for (var link = 1; link <= spec.Links; link++)
        {
            var members = cellIds.Where(c => linkOfRu[ruOfCell[c]] == link).Select(c => c - 1).ToArray();
            var sum = new double[symbols];
            foreach (var m in members)
            {
                for (var i = 0; i < symbols; i++)
                {
                    sum[i] += clean[m][i];
                }
            }

            var capacity = CapacitySearch.MinimumCapacity(sum, SymbolGrid.SymbolSeconds, spec.BufferMicros * 1e-6, spec.LinkLoss, 1e-6);
            truthLinks[link] = capacity.CapacityBitsPerSecond / 1e9;
            truthLoss[link] = capacity.LossAtCapacity * 100;
            var dropped = new double[symbols];
            FluidBufferModel.Simulate(sum, SymbolGrid.SymbolSeconds, capacity.CapacityBitsPerSecond, spec.BufferMicros * 1e-6, dropped);
            for (var i = 0; i < symbols; i++)
            {
                if (dropped[i] > 0)
                {
                    foreach (var m in members)
                    {
                        drops[m][i] = dropped[i] * clean[m][i] / sum[i];
                    }
                }
            }
        }

        var outliers = 0;
        var grids = new SymbolGrid[spec.Cells];
        var stats = new PacketStatsSeries[spec.Cells];
        for (var c = 0; c < spec.Cells; c++)
        {
            var kbit = clean[c].Select(v => (float)v).ToArray();
            for (var i = 0; i < kbit.Length; i++)
            {
                if (random.NextDouble() < spec.OutlierRate)
                {
                    kbit[i] = (float)(OutlierKbit * (random.Next(2) + 1) * (0.995 + (0.01 * random.NextDouble())));
                    outliers++;
                }
            }

            grids[c] = new SymbolGrid(cellIds[c], firstSymbol, kbit, kbit.Length, 0);
            stats[c] = PacketStats(random, cellIds[c], clean[c], drops[c], spec.StartSeconds + (offsetSlotsOfRu[ruOfCell[cellIds[c]]] * SymbolGrid.SlotSeconds));
        }

        var truth = new ScenarioTruth(
            cellIds.ToDictionary(c => c, c => linkOfRu[ruOfCell[c]]),
            cellIds.ToDictionary(c => c, c => offsetSlotsOfRu[ruOfCell[c]] * SymbolGrid.SlotSeconds * 1000),
            truthLinks,
            truthLoss,
            outliers,
            spec.BufferMicros);
        return new GeneratedScenario(grids, stats, truth);
    }

    /// <summary>
    /// On/off bursts at slot level (geometric on and off periods), a load level per burst, and
    /// the symbol pattern of a TDD slot: two control symbols, then data.
    /// </summary>
    private static double[] CellTraffic(Random random, int slots)
    {
        var kbit = new double[slots * SymbolGrid.SymbolsPerSlot];
        var weight = 0.5 + random.NextDouble();
        var on = false;
        var level = 0.0;
        for (var s = 0; s < slots; s++)
        {
            if (on ? random.NextDouble() < 1.0 / 12 : random.NextDouble() < weight / 40)
            {
                on = !on;
                level = 0.25 + (0.75 * random.NextDouble());
            }

            var baseIndex = s * SymbolGrid.SymbolsPerSlot;
            kbit[baseIndex] = 30.656;
            kbit[baseIndex + 1] = 6.912;
            if (!on)
            {
                continue;
            }

            for (var k = 2; k < SymbolGrid.SymbolsPerSlot; k++)
            {
                kbit[baseIndex + k] = Math.Round(FullSymbolKbit * level * (0.9 + (0.1 * random.NextDouble())), 3);
            }
        }

        return kbit;
    }

    private static PacketStatsSeries PacketStats(Random random, int cellId, double[] kbit, double[] dropKbit, double ruStartSeconds)
    {
        var slots = kbit.Length / SymbolGrid.SymbolsPerSlot;
        var times = new List<double>(slots);
        var tx = new List<int>(slots);
        var rx = new List<int>(slots);
        var late = new List<int>(slots);
        for (var s = 0; s < slots; s++)
        {
            var sent = 0;
            var dropped = 0.0;
            for (var k = 0; k < SymbolGrid.SymbolsPerSlot; k++)
            {
                sent += (int)Math.Ceiling(kbit[(s * SymbolGrid.SymbolsPerSlot) + k] / PacketKbit);
                dropped += dropKbit[(s * SymbolGrid.SymbolsPerSlot) + k];
            }

            // Like the real RU logs, not every idle slot is written.
            if (sent == 0 && random.NextDouble() < 0.25)
            {
                continue;
            }

            var lost = Math.Min(sent, (int)Math.Round(dropped / PacketKbit));
            var received = sent - lost;
            var tooLate = received > 0 && random.NextDouble() < 1e-4 ? 1 : 0;
            times.Add(Math.Round(ruStartSeconds + (s * SymbolGrid.SlotSeconds) + (random.NextDouble() * 0.0002), 5));
            tx.Add(sent);
            rx.Add(received);
            late.Add(tooLate);
        }

        return new PacketStatsSeries(cellId, [.. times], [.. tx], [.. rx], [.. late]);
    }
}
