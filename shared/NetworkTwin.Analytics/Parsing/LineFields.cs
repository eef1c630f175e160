namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// The fast path of the row parsers for one line: reads whitespace-separated plain numbers in turn
/// (<see cref="PlainNumber"/>). Any surprise (a sign, an exponent, a stray byte, too many digits) makes it
/// return false and the caller falls back to the careful path that explains what is wrong.
/// </summary>
internal ref struct LineFields(ReadOnlySpan<byte> line)
{
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
    public bool TryDecimal(out double value) => PlainNumber.TryDecimal(NextField(), out value);

    /// <summary>Reads a non-negative integer of at most 9 digits ended by whitespace or the end.</summary>
    public bool TryInt(out int value) => PlainNumber.TryInt(NextField(), out value);

    private ReadOnlySpan<byte> NextField()
    {
        SkipWhitespace();
        var rest = _line[_pos..];
        var length = rest.IndexOfAny((byte)' ', (byte)'\t');
        if (length < 0)
        {
            length = rest.Length;
        }

        _pos += length;
        return rest[..length];
    }

    private void SkipWhitespace()
    {
        while (_pos < _line.Length && _line[_pos] is (byte)' ' or (byte)'\t')
        {
            _pos++;
        }
    }
}
