using NetworkTwin.Agent.Live;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Agent.Tests.Live;

public class CellWindowTests
{
    [Fact]
    public void Throughput_OutOfOrderRowsInsideTheWindow_LandInTheirSymbol()
    {
        var window = new CellWindow(3, windowSeconds: 1, maxClockOffsetSeconds: 0.1);

        window.Throughput(10.0, 100);
        window.Throughput(10.5, 50);
        window.Throughput(10.2, 25);
        var first = window.NewestSymbol - window.WindowSymbols + 1;
        var kbit = new float[window.WindowSymbols];
        Assert.True(window.CopySymbols(first, kbit));

        var at = (long t) => kbit[(int)(t - first)];
        Assert.Equal(100, at((long)Math.Round(10.0 * SymbolGrid.SymbolsPerSecond)));
        Assert.Equal(25, at((long)Math.Round(10.2 * SymbolGrid.SymbolsPerSecond)));
        Assert.Equal(50, at((long)Math.Round(10.5 * SymbolGrid.SymbolsPerSecond)));
        Assert.Equal(175, kbit.Sum());
    }

    [Fact]
    public void Throughput_WindowSlides_ForgetsOldRowsAndCountsLateOnes()
    {
        var window = new CellWindow(1, windowSeconds: 1, maxClockOffsetSeconds: 0.1);
        window.Throughput(5.0, 1000);
        window.Throughput(5.9, 1000);

        window.Throughput(6.5, 1000);
        window.Throughput(5.2, 1000);
        var (meanGbps, _) = window.Live();

        Assert.Equal(1, window.LateRows);
        // 5.9 and 6.5 remain: 2,000 kbit over a 1 s window.
        Assert.Equal(2000 * 1000 / 1e9, meanGbps, 9);
        var kbit = new float[window.WindowSymbols];
        window.CopySymbols(window.NewestSymbol - window.WindowSymbols + 1, kbit);
        Assert.Equal(2000, kbit.Sum());
    }

    [Theory]
    [InlineData(-100)]
    [InlineData(0)]
    [InlineData(37)]
    [InlineData(5000)]
    public void CopySymbols_RingHasWrapped_ReadsEachSymbolWhereItIsAndZeroOutsideTheWindow(int shift)
    {
        // 1.3 windows of symbols, each holding its own number (modulo 2,000, which 16 bits hold exactly): the ring has wrapped once.
        var window = new CellWindow(1, windowSeconds: 0.1, maxClockOffsetSeconds: 0);
        var count = window.WindowSymbols * 13 / 10;
        for (var s = 1; s <= count; s++)
        {
            window.Throughput(s * SymbolGrid.SymbolSeconds, s % 2000);
        }

        var first = window.NewestSymbol - window.WindowSymbols + 1 + shift;
        var kbit = new float[window.WindowSymbols];
        Assert.True(window.CopySymbols(first, kbit));

        for (var k = 0; k < kbit.Length; k++)
        {
            var symbol = first + k;
            var held = symbol <= window.NewestSymbol && symbol > window.NewestSymbol - window.WindowSymbols;
            Assert.Equal(held ? symbol % 2000 : 0, kbit[k]);
        }
    }

    [Fact]
    public void Throughput_HeldIn16Bits_WithinTheirPrecision_TheMeanIsTheRingsSum_AndALoggerErrorIsHeldAtTheMost()
    {
        var window = new CellWindow(1, windowSeconds: 0.01, maxClockOffsetSeconds: 0);
        var random = new Random(7);
        var given = 0.0;
        for (var i = 0; i < 2000; i++)
        {
            // Rows of a real cell's size (up to ~900 kbit a symbol), several landing on one symbol.
            var kbit = random.NextDouble() * 300;
            given += kbit;
            window.Throughput(1.0 + (random.Next(0, 100) * SymbolGrid.SymbolSeconds), kbit);
        }

        var ring = new float[window.WindowSymbols];
        window.CopySymbols(window.NewestSymbol - window.WindowSymbols + 1, ring);
        var (meanGbps, _) = window.Live();
        Assert.Equal(given, ring.Sum(v => (double)v), given * 0.0005);
        Assert.Equal(ring.Sum(v => (double)v) * 1000 / window.WindowSeconds / 1e9, meanGbps, 9);

        window.Throughput(1.0 + (50 * SymbolGrid.SymbolSeconds), 1e9);
        window.CopySymbols(window.NewestSymbol - window.WindowSymbols + 1, ring);
        Assert.Equal(CellWindow.MaxSymbolKbit, ring.Max());
        Assert.True(float.IsFinite(ring.Sum()));
    }

    [Fact]
    public void SnapshotPackets_SparseRows_AreHandedOverAsTheyAre()
    {
        var window = new CellWindow(1, windowSeconds: 0.01, maxClockOffsetSeconds: 0);
        window.PacketStats(1.0001, 10, 9, 0);
        window.PacketStats(1.0021, 10, 10, 1);

        var series = window.SnapshotPackets()!;

        // Each row at its slot's middle: 1.0001 s is in slot 2000 and 1.0021 s in slot 2004.
        Assert.Equal([2000.5 * SymbolGrid.SlotSeconds, 2004.5 * SymbolGrid.SlotSeconds], series.TimesSeconds);
        Assert.Equal([10, 10], series.TxPackets);
    }

    [Fact]
    public void SnapshotPackets_RowEverySlotButOne_GapReadsAsAnEmptySlotAndTheArraysAreReused()
    {
        var window = new CellWindow(1, windowSeconds: 0.05, maxClockOffsetSeconds: 0);
        for (var s = 2000; s < 2100; s++)
        {
            if (s != 2090)
            {
                window.PacketStats((s + 0.2) * SymbolGrid.SlotSeconds, 5, 4, 0);
            }
        }

        var full = window.SnapshotPackets()!;

        // The window holds 100 slots: 99 rows and the empty slot 2090 between them.
        Assert.Equal(100, full.TimesSeconds.Length);
        Assert.Equal(0, full.TxPackets[90]);
        Assert.Equal(2090, (int)Math.Floor(full.TimesSeconds[90] / SymbolGrid.SlotSeconds));
        Assert.Equal((495L, 99L), full.Totals());

        // The next row slides the window by one slot: same length, so the same arrays with the new row at the end.
        window.PacketStats(2100.2 * SymbolGrid.SlotSeconds, 7, 7, 0);
        var next = window.SnapshotPackets()!;
        Assert.Same(full.TxPackets, next.TxPackets);
        Assert.Equal(7, next.TxPackets[^1]);
        Assert.Equal(2001.5 * SymbolGrid.SlotSeconds, next.TimeOf(0));
    }

    [Fact]
    public void PacketStats_LossOverTheWindow_IsLiveAndSnapshotsInTimeOrder()
    {
        var window = new CellWindow(1, windowSeconds: 1, maxClockOffsetSeconds: 0);
        window.PacketStats(2.0005, 100, 90, 0);
        window.PacketStats(2.0000, 100, 100, 5);
        window.PacketStats(9.0000, 100, 100, 0);

        var (_, loss) = window.Live();
        var series = window.SnapshotPackets()!;

        Assert.Equal(0.0, loss);
        Assert.Equal([18000.5 * SymbolGrid.SlotSeconds], series.TimesSeconds);
        Assert.Equal(0, window.LateRows);
    }

    [Fact]
    public void TakeNewLossSlots_ReportsEachLossSlotOnce()
    {
        var window = new CellWindow(2, windowSeconds: 1, maxClockOffsetSeconds: 0.1);
        window.PacketStats(100.0000, 10, 10, 0);
        window.PacketStats(100.0005, 10, 8, 0);   // lost 2
        window.PacketStats(100.0010, 10, 10, 1);  // one too late

        var first = window.TakeNewLossSlots();
        window.PacketStats(100.0015, 10, 10, 0);
        window.PacketStats(100.0020, 10, 9, 0);
        var second = window.TakeNewLossSlots();
        var third = window.TakeNewLossSlots();

        long SlotOf(double t) => (long)Math.Floor(t / SymbolGrid.SlotSeconds);
        Assert.Equal([SlotOf(100.0005), SlotOf(100.0010)], first);
        Assert.Equal([SlotOf(100.0020)], second);
        Assert.Empty(third);
    }

    /// <summary>
    /// Random rows, mostly in order, some out of order, late, far ahead (the window starts over) or at negative times,
    /// against a model that keeps every row by its position: the rings' indexing (found from the newest position, not
    /// by division) must put and find each row where the model does.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rows_RandomOrderLateAndJumps_WindowHoldsWhatAModelByPositionHolds(int seed)
    {
        var random = new Random(seed);
        var window = new CellWindow(4, windowSeconds: 0.05, maxClockOffsetSeconds: 0.01);
        var symbolsHeld = window.WindowSymbols;
        var slotsHeld = (int)Math.Ceiling((0.05 + (2 * 0.01)) / SymbolGrid.SlotSeconds);
        var symbols = new Dictionary<long, Half>();
        var slots = new Dictionary<long, (int Tx, int Rx, int Late)>();
        long newestSymbol = long.MinValue, newestSlot = long.MinValue, reported = long.MinValue;
        var late = 0L;
        var time = -0.02;
        for (var row = 0; row < 20_000; row++)
        {
            // Time moves about a slot a row (a radio's counters come every slot), with gaps, rows from the past and jumps.
            var isSymbol = random.NextDouble() < 0.4;
            var jump = random.NextDouble();
            time += isSymbol ? 0 : jump < 0.002 ? 0.2 : jump < 0.03 ? -random.NextDouble() * 0.08 : jump < 0.06 ? 3 * SymbolGrid.SlotSeconds : SymbolGrid.SlotSeconds;
            if (isSymbol)
            {
                var kbit = Math.Round(random.NextDouble() * 100, 1);
                var at = time + (random.NextDouble() * SymbolGrid.SlotSeconds);
                window.Throughput(at, kbit);
                var symbol = (long)Math.Round(at * SymbolGrid.SymbolsPerSecond);
                if (symbol > newestSymbol)
                {
                    newestSymbol = symbol;
                    symbols = symbols.Where(e => e.Key > newestSymbol - symbolsHeld).ToDictionary();
                }
                else if (symbol <= newestSymbol - symbolsHeld)
                {
                    late++;
                    continue;
                }

                symbols[symbol] = (Half)((float)symbols.GetValueOrDefault(symbol) + (float)kbit);
            }
            else
            {
                var (tx, rx, tooLate) = (random.Next(100, 110), random.Next(95, 110), random.Next(0, 2));
                window.PacketStats(time, tx, rx, tooLate);
                var slot = (long)Math.Floor(time / SymbolGrid.SlotSeconds);
                if (slot > newestSlot)
                {
                    newestSlot = slot;
                    slots = slots.Where(e => e.Key > newestSlot - slotsHeld).ToDictionary();
                }
                else if (slot <= newestSlot - slotsHeld)
                {
                    late++;
                    continue;
                }

                slots[slot] = (tx, rx, tooLate);
            }

            if (row % 97 != 0)
            {
                continue;
            }

            Assert.Equal(late, window.LateRows);
            if (newestSymbol != long.MinValue)
            {
                // A span reaching past both ends of the window.
                var first = newestSymbol - symbolsHeld - 30;
                var copied = new float[symbolsHeld + 60];
                Assert.True(window.CopySymbols(first, copied));
                Assert.Equal(Enumerable.Range(0, copied.Length).Select(i => (float)symbols.GetValueOrDefault(first + i)), copied);
            }

            if (newestSlot != long.MinValue)
            {
                var snapshot = window.SnapshotPackets();
                Assert.NotNull(snapshot);
                var seen = Enumerable.Range(0, snapshot.Count).ToDictionary(i => (long)Math.Floor(snapshot.TimeOf(i) / SymbolGrid.SlotSeconds), i => (snapshot.TxPackets[i], snapshot.RxPackets[i], snapshot.TooLatePackets[i]));
                Assert.All(slots, e => Assert.Equal(e.Value, seen[e.Key]));
                Assert.Equal((slots.Keys.Min(), newestSlot), (seen.Keys.Min(), seen.Keys.Max()));
                Assert.All(seen.Where(e => !slots.ContainsKey(e.Key)), e => Assert.Equal((0, 0, 0), e.Value));
                var lossy = slots.Where(e => e.Key > reported && (e.Value.Tx > e.Value.Rx || e.Value.Late > 0)).Select(e => e.Key).Order();
                Assert.Equal(lossy, window.TakeNewLossSlots());
                reported = newestSlot;
                var (tx, lost) = (slots.Values.Sum(v => (long)v.Tx), slots.Values.Sum(v => (long)(Math.Max(0, v.Tx - v.Rx) + v.Late)));
                Assert.Equal(100.0 * lost / tx, window.Live().LossPercent!.Value, 9);
            }
        }
    }
}
