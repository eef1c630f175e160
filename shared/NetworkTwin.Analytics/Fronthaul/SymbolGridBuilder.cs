namespace NetworkTwin.Analytics.Fronthaul;

/// <summary>
/// Accumulates (time, kbit) rows into a <see cref="SymbolGrid"/> in O(1) per row, growing at
/// either end. The span is capped so one absurd timestamp cannot claim unbounded memory.
/// </summary>
public sealed class SymbolGridBuilder
{
    private float[] _kbit = new float[1 << 16];
    private long _base;
    private int _lowUsed = int.MaxValue;
    private int _highUsed = -1;
    private int _rows;
    private int _merged;
    private readonly long _maxSpanSymbols;

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
        if (_highUsed < 0)
        {
            _base = symbol - (_kbit.Length / 4);
        }
        else
        {
            var low = Math.Min(_base + _lowUsed, symbol);
            var high = Math.Max(_base + _highUsed, symbol);
            if (high - low >= _maxSpanSymbols)
            {
                return $"time {timeSeconds:0.######} s is more than {MaxSpanSeconds:0} s away from the other rows";
            }
        }

        var index = symbol - _base;
        if (index < 0 || index >= _kbit.Length)
        {
            Grow(symbol);
            index = symbol - _base;
        }

        var i = (int)index;
        if (_kbit[i] != 0)
        {
            _merged++;
        }

        _kbit[i] += (float)kbit;
        _lowUsed = Math.Min(_lowUsed, i);
        _highUsed = Math.Max(_highUsed, i);
        _rows++;
        return null;
    }

    public SymbolGrid Build(int cellId)
    {
        if (_highUsed < 0)
        {
            return new SymbolGrid(cellId, 0, [], 0, 0);
        }

        return new SymbolGrid(cellId, _base + _lowUsed, _kbit[_lowUsed..(_highUsed + 1)], _rows, _merged);
    }

    private void Grow(long symbol)
    {
        // Only called once a row is stored, so _lowUsed.._highUsed is valid.
        var low = Math.Min(_base + _lowUsed, symbol);
        var high = Math.Max(_base + _highUsed, symbol);
        var needed = high - low + 1;
        var size = (long)_kbit.Length;
        while (size < needed * 2)
        {
            size *= 2;
        }

        size = Math.Min(size, _maxSpanSymbols * 2);
        var newBase = low - ((size - needed) / 2);
        var grown = new float[size];
        var offset = (int)(_base - newBase);
        Array.Copy(_kbit, _lowUsed, grown, _lowUsed + offset, _highUsed - _lowUsed + 1);
        _lowUsed += offset;
        _highUsed += offset;

        _kbit = grown;
        _base = newBase;
    }
}
