namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// The fast path of the row parsers: reads whitespace-separated plain numbers from one line in a
/// single pass. Any surprise (a sign, an exponent, a stray byte, too many digits) makes it
/// return false and the caller falls back to the careful path that explains what is wrong.
/// </summary>
internal ref struct LineFields(ReadOnlySpan<byte> line)
{
    private static readonly double[] PowersOfTen = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    private readonly ReadOnlySpan<byte> _line = line;
    private int _pos;

    /// <summary>True when only whitespace is left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipWhitespace();
            return _pos == _line.Length;
        }
    }

    /// <summary>Reads <c>digits[.digits]</c> ended by whitespace or the end of the line.</summary>
    public bool TryDecimal(out double value)
    {
        value = 0;
        SkipWhitespace();
        ulong mantissa = 0;
        var digits = 0;
        var fraction = -1;
        var i = _pos;
        for (; i < _line.Length; i++)
        {
            var d = (uint)(_line[i] - '0');
            if (d <= 9)
            {
                mantissa = (mantissa * 10) + d;
                digits++;
                if (fraction >= 0)
                {
                    fraction++;
                }
            }
            else if (_line[i] == (byte)'.' && fraction < 0)
            {
                fraction = 0;
            }
            else
            {
                break;
            }
        }

        // 15 digits keep the mantissa exact in a double, so one division is correctly rounded.
        if (digits == 0 || digits > 15 || !EndsField(i))
        {
            return false;
        }

        value = fraction > 0 ? mantissa / PowersOfTen[fraction] : mantissa;
        _pos = i;
        return true;
    }

    /// <summary>Reads a non-negative integer of at most 9 digits ended by whitespace or the end.</summary>
    public bool TryInt(out int value)
    {
        value = 0;
        SkipWhitespace();
        var i = _pos;
        var acc = 0;
        for (; i < _line.Length && i - _pos < 10; i++)
        {
            var d = (uint)(_line[i] - '0');
            if (d > 9)
            {
                break;
            }

            acc = (acc * 10) + (int)d;
        }

        if (i == _pos || i - _pos > 9 || !EndsField(i))
        {
            return false;
        }

        value = acc;
        _pos = i;
        return true;
    }

    private readonly bool EndsField(int i) => i == _line.Length || _line[i] is (byte)' ' or (byte)'\t';

    private void SkipWhitespace()
    {
        while (_pos < _line.Length && _line[_pos] is (byte)' ' or (byte)'\t')
        {
            _pos++;
        }
    }
}
