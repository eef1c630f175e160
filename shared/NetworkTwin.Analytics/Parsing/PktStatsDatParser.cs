using System.Buffers;
using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Parses <c>pkt-stats-cell-N.dat</c>: "&lt;time s&gt; &lt;txPackets&gt; &lt;rxPackets&gt; &lt;tooLateRxPackets&gt;"
/// per slot. The real files open with a header naming five columns over four-column rows; any
/// non-numeric first line is taken as the header.
/// </summary>
public sealed class PktStatsDatParser(int cellId, string source, int maxLineBytes = TelemetryTextParser.DefaultMaxLineBytes)
    : TelemetryTextParser(source, maxLineBytes)
{
    /// <summary>
    /// Rows per block of storage. Blocks are rented from the shared pool and given back when the series is made, so
    /// reading file after file reuses them: a growing array was copied on each doubling, and fresh blocks were copied
    /// again by the GC as they outlived a collection.
    /// </summary>
    private const int ChunkRows = 8192;

    private readonly List<Chunk> _chunks = [];

    // The block being filled, held as plain arrays: the row loop writes them directly.
    private double[] _times = [];
    private int[] _tx = [];
    private int[] _rx = [];
    private int[] _late = [];
    private int _inChunk = ChunkRows;
    private int _count;
    private PacketStatsSeries? _series;

    protected override string FormatName => "pkt-stats .dat (time tx rx tooLate)";

    /// <summary>The rows read, as a series. The first call ends the parse: later calls give the same series, and more input is refused.</summary>
    public PacketStatsSeries ToSeries()
    {
        if (_series is not null)
        {
            return _series;
        }

        // Every element is written below, so the runtime need not clear them first.
        var times = GC.AllocateUninitializedArray<double>(_count);
        var tx = GC.AllocateUninitializedArray<int>(_count);
        var rx = GC.AllocateUninitializedArray<int>(_count);
        var late = GC.AllocateUninitializedArray<int>(_count);
        var at = 0;
        foreach (var chunk in _chunks)
        {
            var n = Math.Min(ChunkRows, _count - at);
            chunk.Times.AsSpan(0, n).CopyTo(times.AsSpan(at));
            chunk.Tx.AsSpan(0, n).CopyTo(tx.AsSpan(at));
            chunk.Rx.AsSpan(0, n).CopyTo(rx.AsSpan(at));
            chunk.Late.AsSpan(0, n).CopyTo(late.AsSpan(at));
            at += n;
            ArrayPool<double>.Shared.Return(chunk.Times);
            ArrayPool<int>.Shared.Return(chunk.Tx);
            ArrayPool<int>.Shared.Return(chunk.Rx);
            ArrayPool<int>.Shared.Return(chunk.Late);
        }

        _chunks.Clear();
        _times = [];
        _tx = _rx = _late = [];
        _inChunk = ChunkRows;
        _series = new(cellId, times, tx, rx, late);
        return _series;
    }

    protected override string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow)
    {
        var error = PktStatsRow.Parse(line, mayBeHeader, out var time, out var tx, out var rx, out var late, out isRow);
        if (isRow)
        {
            Add(time, tx, rx, late);
        }

        return error;
    }

    private protected override int ParseRows(ReadOnlySpan<byte> block, out int rows)
    {
        var into = new Into(this);
        return RowBlock.PacketStats(block, MaxLineBytes, ref into, out rows);
    }

    private void Add(double time, int tx, int rx, int late)
    {
        if (_inChunk == ChunkRows)
        {
            NextChunk();
        }

        _times[_inChunk] = time;
        _tx[_inChunk] = tx;
        _rx[_inChunk] = rx;
        _late[_inChunk] = late;
        _inChunk++;
        _count++;
    }

    private void NextChunk()
    {
        if (_series is not null)
        {
            throw new InvalidOperationException($"{Source}: the series was already taken; parse a new input with a new parser.");
        }

        // Rented blocks may be longer than asked for and hold old rows; only the first ChunkRows are used, each written before it is read.
        _times = ArrayPool<double>.Shared.Rent(ChunkRows);
        _tx = ArrayPool<int>.Shared.Rent(ChunkRows);
        _rx = ArrayPool<int>.Shared.Rent(ChunkRows);
        _late = ArrayPool<int>.Shared.Rent(ChunkRows);
        _chunks.Add(new Chunk(_times, _tx, _rx, _late));
        _inChunk = 0;
    }

    private sealed record Chunk(double[] Times, int[] Tx, int[] Rx, int[] Late);

    private readonly struct Into(PktStatsDatParser parser) : IPacketStatsRows
    {
        public bool TryAdd(double time, int tx, int rx, int late)
        {
            parser.Add(time, tx, rx, late);
            return true;
        }
    }
}
