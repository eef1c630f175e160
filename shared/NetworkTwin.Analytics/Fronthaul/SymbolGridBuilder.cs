using System.Buffers;

namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// Accumulates (time, kbit) rows into a <see cref="SymbolGrid"/> in O(1) per row, in either direction of time. The
/// symbols live in chunks of <see cref="ChunkSymbols"/> allocated as rows reach them, so a growing span is never
/// copied (an array grown by doubling allocated and copied the span several times over, most of a file's parse time);
/// <see cref="Build"/> copies them into one array once and gives the chunks back to the shared pool, so reading file
/// after file reuses them instead of faulting in fresh memory for each. The span is capped so one absurd timestamp
/// cannot claim unbounded memory.
/// </summary>
public sealed class SymbolGridBuilder
{
    /// <summary>Symbols per chunk (2.3 s of one cell, 256 KB).</summary>
    public const int ChunkSymbols = 1 << ChunkBits;

    private const int ChunkBits = 16;

    private readonly long _maxSpanSymbols;
    private float[]?[] _chunks = new float[]?[4];
    private long _firstChunk;
    private long _lastNumber = long.MinValue;
    private float[] _last = [];
    private long _low = long.MaxValue;
    private long _high = long.MinValue;
    private int _rows;
    private int _merged;
    private SymbolGrid? _built;

    public SymbolGridBuilder(double maxSpanSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSpanSeconds);
        _maxSpanSymbols = (long)(maxSpanSeconds / SymbolGrid.SymbolSeconds);
    }

    public double MaxSpanSeconds => _maxSpanSymbols * SymbolGrid.SymbolSeconds;

    /// <summary>Adds a row; returns an error text when its time is outside the allowed span.</summary>
    public string? TryAdd(double timeSeconds, double kbit)
    {
        var symbol = (long)Math.Round(timeSeconds * SymbolGrid.SymbolsPerSecond);
        if (_rows == 0)
        {
            _firstChunk = (symbol >> ChunkBits) - 1;
        }
        else if (Math.Max(_high, symbol) - Math.Min(_low, symbol) >= _maxSpanSymbols)
        {
            return TooFar(timeSeconds);
        }

        // Rows come mostly in time order: the chunk of the last row is the likely one.
        var number = symbol >> ChunkBits;
        var chunk = number == _lastNumber ? _last : Chunk(number);
        var i = (int)(symbol & (ChunkSymbols - 1));
        if (chunk[i] != 0)
        {
            _merged++;
        }

        chunk[i] += (float)kbit;
        _low = Math.Min(_low, symbol);
        _high = Math.Max(_high, symbol);
        _rows++;
        return null;
    }

    /// <summary>The grid from the first row's symbol to the last's; symbols without a row are 0. The first call ends the builder: later calls give the same grid, and more rows are refused.</summary>
    public SymbolGrid Build(int cellId)
    {
        if (_built is not null)
        {
            return _built;
        }

        if (_rows == 0)
        {
            return _built = new SymbolGrid(cellId, 0, [], 0, 0);
        }

        var kbit = GC.AllocateUninitializedArray<float>((int)(_high - _low + 1));
        for (var symbol = _low; symbol <= _high;)
        {
            var offset = (int)(symbol & (ChunkSymbols - 1));
            var run = (int)Math.Min(ChunkSymbols - offset, _high - symbol + 1);
            var target = kbit.AsSpan((int)(symbol - _low), run);
            if (_chunks[(symbol >> ChunkBits) - _firstChunk] is { } chunk)
            {
                chunk.AsSpan(offset, run).CopyTo(target);
            }
            else
            {
                target.Clear();
            }

            symbol += run;
        }

        foreach (var chunk in _chunks)
        {
            if (chunk is not null)
            {
                ArrayPool<float>.Shared.Return(chunk);
            }
        }

        _chunks = [];
        _last = [];
        _lastNumber = long.MinValue;
        return _built = new SymbolGrid(cellId, _low, kbit, _rows, _merged);
    }

    // Out of line: formatting the message in the row path would weigh on every row.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private string TooFar(double timeSeconds) => $"time {timeSeconds:0.######} s is more than {MaxSpanSeconds:0} s away from the other rows";

    private float[] Chunk(long number)
    {
        if (_built is not null)
        {
            throw new InvalidOperationException("The grid was already built; add rows to a new builder.");
        }

        var index = number - _firstChunk;
        if (index < 0 || index >= _chunks.Length)
        {
            // Room for the span cap at most (the caller checked the span): the table of chunks doubles, the chunks stay.
            var first = Math.Min(_firstChunk, number);
            var last = Math.Max(_firstChunk + _chunks.Length - 1, number);
            var length = Math.Max((last - first + 1) * 2, _chunks.Length * 2);
            var grown = new float[]?[length];
            var newFirst = number < _firstChunk ? last - length + 1 : first;
            Array.Copy(_chunks, 0, grown, _firstChunk - newFirst, _chunks.Length);
            _chunks = grown;
            _firstChunk = newFirst;
            index = number - _firstChunk;
        }

        if (_chunks[index] is not { } chunk)
        {
            // A pooled chunk holds another file's symbols: rows add into it, so it starts from zero.
            chunk = ArrayPool<float>.Shared.Rent(ChunkSymbols);
            Array.Clear(chunk, 0, ChunkSymbols);
            _chunks[index] = chunk;
        }

        _lastNumber = number;
        return _last = chunk;
    }
}
