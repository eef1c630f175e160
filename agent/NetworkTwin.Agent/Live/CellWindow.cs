using System.Numerics.Tensors;
using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Live;

/// <summary>
/// One cell's sliding window, updated row by row in O(1): DU throughput on a ring of symbols
/// (DU clock) and RU packet counts on a ring of slots (RU clock). Rows older than the window are
/// counted and dropped; nothing else ever re-reads past data. Thread-safe.
/// </summary>
/// <remarks>
/// Symbols are held as 16-bit floats: the ring is most of a cell's memory (8 s is 224,000 symbols), and a symbol's
/// kilobits keep 11 significant bits, within 0.05% of what the row said, which is far below what the sizing resolves
/// (its search stops within 0.1%). A symbol holds at most <see cref="MaxSymbolKbit"/> (65,504 kbit in 35.7 us, 1.8 Tbit/s);
/// a larger value, only ever a logger error, is held as that and removed by the outlier rule like any other.
/// </remarks>
internal sealed class CellWindow : ITelemetryRowSink
{
    /// <summary>The most one symbol holds, in kilobits: the largest finite 16-bit float.</summary>
    public const float MaxSymbolKbit = 65504f;

    private readonly Lock _gate = new();
    private readonly Half[] _symbols;
    // Whether a slot of the ring holds a row. The row's time is not kept: the analysis only ever bins rows into slots, so
    // a snapshot gives each row its slot's middle (8 bytes a slot less, 176 KB a cell).
    private readonly bool[] _held;
    private readonly int[] _tx;
    private readonly int[] _rx;
    private readonly int[] _late;
    private long _newestSymbol = long.MinValue;
    private long _newestSlot = long.MinValue;
    // Where the newest symbol and slot sit in their rings (position mod length): every other position is found from
    // these by a subtraction, so no row and no snapshot pays a 64-bit division (two per lookup, once most of ingest).
    private int _newestSymbolIndex;
    private int _newestSlotIndex;
    private long _lossReportedThrough = long.MinValue;
    private int[] _snapshotTx = [];
    private int[] _snapshotRx = [];
    private int[] _snapshotLate = [];
    private double _windowKbit;
    private long _windowTx;
    private long _windowLost;

    public CellWindow(int cellId, double windowSeconds, double maxClockOffsetSeconds)
    {
        CellId = cellId;
        WindowSeconds = windowSeconds;
        // Whole slots, so the window bins into slots exactly.
        var slotsInWindow = (int)Math.Ceiling(windowSeconds / SymbolGrid.SlotSeconds);
        _symbols = new Half[slotsInWindow * SymbolGrid.SymbolsPerSlot];

        // RU time runs up to the maximum clock offset either side of DU time: keep that much more.
        var slots = (int)Math.Ceiling((windowSeconds + (2 * maxClockOffsetSeconds)) / SymbolGrid.SlotSeconds);
        _held = new bool[slots];
        _tx = new int[slots];
        _rx = new int[slots];
        _late = new int[slots];
    }

    public int CellId { get; }

    public double WindowSeconds { get; }

    public long ThroughputRows { get; private set; }

    public long PacketRows { get; private set; }

    /// <summary>Rows that arrived after the window had already moved past them.</summary>
    public long LateRows { get; private set; }

    public long NewestSymbol
    {
        get
        {
            lock (_gate)
            {
                return _newestSymbol;
            }
        }
    }

    public void Throughput(double timeSeconds, double kbit)
    {
        var symbol = (long)Math.Round(timeSeconds * SymbolGrid.SymbolsPerSecond);
        lock (_gate)
        {
            var length = _symbols.Length;
            if (symbol > _newestSymbol)
            {
                if (_newestSymbol == long.MinValue || symbol - _newestSymbol >= length)
                {
                    Array.Clear(_symbols);
                    _windowKbit = 0;
                    _newestSymbolIndex = Index(symbol, length);
                }
                else
                {
                    var i = _newestSymbolIndex;
                    for (var s = _newestSymbol + 1; s <= symbol; s++)
                    {
                        i = Next(i, length);
                        ref var slot = ref _symbols[i];
                        _windowKbit -= (float)slot;
                        slot = default;
                    }

                    _newestSymbolIndex = i;
                }

                _newestSymbol = symbol;
            }
            else if (symbol <= _newestSymbol - length)
            {
                LateRows++;
                return;
            }

            // The window's total moves by what the symbol now holds, so it stays the sum of the ring.
            ref var held = ref _symbols[Back(_newestSymbolIndex, _newestSymbol - symbol, length)];
            var before = (float)held;
            held = (Half)Math.Clamp(before + (float)kbit, -MaxSymbolKbit, MaxSymbolKbit);
            _windowKbit += (float)held - before;
            ThroughputRows++;
        }
    }

    public void PacketStats(double timeSeconds, int txPackets, int rxPackets, int tooLatePackets)
    {
        var slot = (long)Math.Floor(timeSeconds / SymbolGrid.SlotSeconds);
        lock (_gate)
        {
            var length = _held.Length;
            if (slot > _newestSlot)
            {
                if (_newestSlot == long.MinValue || slot - _newestSlot >= length)
                {
                    for (var i = 0; i < length; i++)
                    {
                        ForgetSlot(i);
                    }

                    _newestSlotIndex = Index(slot, length);
                }
                else
                {
                    var i = _newestSlotIndex;
                    for (var s = _newestSlot + 1; s <= slot; s++)
                    {
                        i = Next(i, length);
                        ForgetSlot(i);
                    }

                    _newestSlotIndex = i;
                }

                _newestSlot = slot;
            }
            else if (slot <= _newestSlot - length)
            {
                LateRows++;
                return;
            }

            var at = Back(_newestSlotIndex, _newestSlot - slot, length);
            ForgetSlot(at);
            _held[at] = true;
            _tx[at] = txPackets;
            _rx[at] = rxPackets;
            _late[at] = tooLatePackets;
            _windowTx += txPackets;
            _windowLost += Math.Max(0, txPackets - rxPackets) + tooLatePackets;
            PacketRows++;
        }
    }

    /// <summary>Mean DU rate over the window and RU loss over the window, as of now.</summary>
    public (double MeanGbps, double? LossPercent) Live()
    {
        lock (_gate)
        {
            var mean = _windowKbit * 1000 / WindowSeconds / 1e9;
            double? loss = _windowTx > 0 ? 100.0 * _windowLost / _windowTx : null;
            return (Math.Max(0, mean), loss);
        }
    }

    /// <summary>Symbols the window holds.</summary>
    public int WindowSymbols => _symbols.Length;

    /// <summary>
    /// Copies the symbols <c>[firstSymbol, firstSymbol + destination.Length)</c> (DU clock) into
    /// <paramref name="destination"/>; symbols outside the window read as 0. The lock is held only
    /// for the copy, so ingest into this cell waits at most that long. False before any row.
    /// </summary>
    public bool CopySymbols(long firstSymbol, Span<float> destination)
    {
        lock (_gate)
        {
            if (_newestSymbol == long.MinValue)
            {
                return false;
            }

            // The symbols held are (newest - length, newest]; the rest of the destination reads 0. The held part
            // is at most two runs of the ring, copied as blocks (every cell is copied twice per analysis).
            var length = _symbols.Length;
            var from = Math.Max(firstSymbol, _newestSymbol - length + 1);
            var to = Math.Min(firstSymbol + destination.Length - 1, _newestSymbol);
            if (from > to)
            {
                destination.Clear();
                return true;
            }

            destination[..(int)(from - firstSymbol)].Clear();
            destination[(int)(to - firstSymbol + 1)..].Clear();
            var target = destination[(int)(from - firstSymbol)..(int)(to - firstSymbol + 1)];
            var start = Back(_newestSymbolIndex, _newestSymbol - from, length);
            var run = Math.Min(target.Length, length - start);
            TensorPrimitives.ConvertToSingle(_symbols.AsSpan(start, run), target);
            TensorPrimitives.ConvertToSingle(_symbols.AsSpan(0, target.Length - run), target[run..]);
            return true;
        }
    }

    /// <summary>
    /// The packet-count rows in the window, in time order, in arrays this cell reuses while their length stays the same:
    /// valid until the next call. Where rows come every slot (a radio's counters), a slot without a row between the
    /// oldest and the newest reads as a slot with no packets, which is what it tells the analysis, so the length stays
    /// the window's once it is full instead of changing, with a new set of arrays, on nearly every call. Sparse rows
    /// (less than 7/8 of the slots) are handed over as they are. Each row's time is its slot's middle.
    /// </summary>
    public PacketStatsSeries? SnapshotPackets()
    {
        lock (_gate)
        {
            if (_newestSlot == long.MinValue)
            {
                return null;
            }

            var length = _held.Length;
            long oldest = long.MinValue;
            var held = 0;
            var first = Next(_newestSlotIndex, length);
            for (var (s, i) = (_newestSlot - length + 1, first); s <= _newestSlot; s++, i = Next(i, length))
            {
                if (_held[i])
                {
                    oldest = oldest == long.MinValue ? s : oldest;
                    held++;
                }
            }

            if (held == 0)
            {
                return null;
            }

            var span = (int)(_newestSlot - oldest + 1);
            var dense = held * 8L >= span * 7L;
            var count = dense ? span : held;
            if (_snapshotTx.Length != count)
            {
                (_snapshotTx, _snapshotRx, _snapshotLate) = (new int[count], new int[count], new int[count]);
            }

            // Sparse rows keep their slots in a times array of their own; every slot's rows need none (EverySlot).
            var times = dense ? null : new double[count];
            var k = 0;
            for (var (s, i) = (oldest, Back(_newestSlotIndex, _newestSlot - oldest, length)); s <= _newestSlot; s++, i = Next(i, length))
            {
                var isHeld = _held[i];
                if (!isHeld && !dense)
                {
                    continue;
                }

                if (times is not null)
                {
                    times[k] = (s + 0.5) * SymbolGrid.SlotSeconds;
                }

                _snapshotTx[k] = isHeld ? _tx[i] : 0;
                _snapshotRx[k] = isHeld ? _rx[i] : 0;
                _snapshotLate[k] = isHeld ? _late[i] : 0;
                k++;
            }

            return times is null
                ? PacketStatsSeries.EverySlot(CellId, oldest, _snapshotTx, _snapshotRx, _snapshotLate)
                : new PacketStatsSeries(CellId, times, _snapshotTx, _snapshotRx, _snapshotLate);
        }
    }

    /// <summary>
    /// The slots (RU time / slot length, absolute) with lost packets that arrived since the last
    /// call, in order: the loss evidence the coordinator combines across agents. Each slot is
    /// reported once; a row that arrives after its slot was passed is not reported.
    /// </summary>
    public List<long> TakeNewLossSlots()
    {
        lock (_gate)
        {
            var slots = new List<long>();
            if (_newestSlot == long.MinValue)
            {
                return slots;
            }

            var length = _held.Length;
            var from = Math.Max(_newestSlot - length + 1, _lossReportedThrough + 1);
            for (var (s, i) = (from, from <= _newestSlot ? Back(_newestSlotIndex, _newestSlot - from, length) : 0); s <= _newestSlot; s++, i = Next(i, length))
            {
                if (_held[i] && (_tx[i] > _rx[i] || _late[i] > 0))
                {
                    slots.Add(s);
                }
            }

            _lossReportedThrough = _newestSlot;
            return slots;
        }
    }

    /// <summary>Where a position sits in a ring of <paramref name="length"/>: its remainder, for any position, negative too.</summary>
    private static int Index(long position, int length) => (int)(((position % length) + length) % length);

    /// <summary>The ring index after <paramref name="i"/>.</summary>
    private static int Next(int i, int length) => i + 1 == length ? 0 : i + 1;

    /// <summary>The ring index <paramref name="back"/> positions (0 to length - 1) before <paramref name="newest"/>.</summary>
    private static int Back(int newest, long back, int length)
    {
        var i = newest - (int)back;
        return i < 0 ? i + length : i;
    }

    private void ForgetSlot(int i)
    {
        if (_held[i])
        {
            _windowTx -= _tx[i];
            _windowLost -= Math.Max(0, _tx[i] - _rx[i]) + _late[i];
            _held[i] = false;
        }
    }
}
