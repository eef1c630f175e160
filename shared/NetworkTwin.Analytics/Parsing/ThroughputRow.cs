namespace NetworkTwin.Analytics.Parsing;

/// <summary>One line of throughput telemetry: "&lt;time s&gt; &lt;kbit&gt;" (file row or MQTT text payload row).</summary>
public static class ThroughputRow
{
    /// <summary>The latest time a row may carry, in seconds.</summary>
    public const double MaxTimeSeconds = 1e9;

    /// <summary>The most kbit a row may carry.</summary>
    public const double MaxKbit = 1e12;

    /// <summary>
    /// Parses a trimmed, non-empty line. Returns null when accepted (<paramref name="isRow"/> false
    /// for a header), otherwise why it is malformed.
    /// </summary>
    public static string? Parse(ReadOnlySpan<byte> line, bool mayBeHeader, out double time, out double kbit, out bool isRow)
    {
        isRow = false;
        var fast = new LineFields(line);
        if (fast.TryDecimal(out time) && fast.TryDecimal(out kbit) && fast.AtEnd && time <= MaxTimeSeconds && kbit <= MaxKbit)
        {
            isRow = true;
            return null;
        }

        time = 0;
        kbit = 0;
        Span<Range> f = stackalloc Range[2];
        var n = FieldSplitter.SplitWhitespace(line, f);
        if (mayBeHeader && n > 0 && !AsciiNumber.TryParseDouble(line[f[0]], out _))
        {
            return null;
        }

        if (n != 2)
        {
            return $"expected 2 fields (time kbit), found {n}";
        }

        if (!AsciiNumber.TryParseDouble(line[f[0]], out time) || time < 0 || time > MaxTimeSeconds)
        {
            return "time is not a number of seconds in 0..1e9";
        }

        if (!AsciiNumber.TryParseDouble(line[f[1]], out kbit) || kbit < 0 || kbit > MaxKbit)
        {
            return "kbit is not a number in 0..1e12";
        }

        isRow = true;
        return null;
    }
}
