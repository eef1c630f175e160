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
    /// <summary>Rows per block of storage: small enough to stay off the large object heap, so reading a file never copies a growing array.</summary>
    private const int ChunkRows = 8192;

    private readonly List<Chunk> _chunks = [];
    private Chunk _current = Chunk.Empty;
    private int _inChunk;
    private int _count;

    protected override string FormatName => "pkt-stats .dat (time tx rx tooLate)";

    public PacketStatsSeries ToSeries()
    {
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
        }

        return new(cellId, times, tx, rx, late);
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
        if (_inChunk == _current.Times.Length)
        {
            _current = new Chunk(new double[ChunkRows], new int[ChunkRows], new int[ChunkRows], new int[ChunkRows]);
            _chunks.Add(_current);
            _inChunk = 0;
        }

        _current.Times[_inChunk] = time;
        _current.Tx[_inChunk] = tx;
        _current.Rx[_inChunk] = rx;
        _current.Late[_inChunk] = late;
        _inChunk++;
        _count++;
    }

    private readonly record struct Chunk(double[] Times, int[] Tx, int[] Rx, int[] Late)
    {
        public static readonly Chunk Empty = new([], [], [], []);
    }

    private readonly struct Into(PktStatsDatParser parser) : IPacketStatsRows
    {
        public bool TryAdd(double time, int tx, int rx, int late)
        {
            parser.Add(time, tx, rx, late);
            return true;
        }
    }
}
