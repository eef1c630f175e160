namespace NetworkTwin.Analytics.Parsing;

/// <summary>One line of RU packet statistics: "&lt;time s&gt; &lt;tx&gt; &lt;rx&gt; &lt;tooLate&gt;".</summary>
public static class PktStatsRow
{
    /// <summary>
    /// Parses a trimmed, non-empty line. Returns null when accepted (<paramref name="isRow"/> false
    /// for a header), otherwise why it is malformed.
    /// </summary>
    public static string? Parse(ReadOnlySpan<byte> line, bool mayBeHeader, out double time, out int tx, out int rx, out int late, out bool isRow)
    {
        isRow = false;
        var fast = new LineFields(line);
        if (fast.TryDecimal(out time) && fast.TryInt(out tx) && fast.TryInt(out rx) && fast.TryInt(out late)
            && fast.AtEnd && rx <= tx && late <= rx)
        {
            isRow = true;
            return null;
        }

        time = 0;
        tx = rx = late = 0;
        Span<Range> f = stackalloc Range[4];
        var n = FieldSplitter.SplitWhitespace(line, f);
        if (mayBeHeader && n > 0 && !AsciiNumber.TryParseDouble(line[f[0]], out _))
        {
            return null;
        }

        if (n != 4)
        {
            return $"expected 4 fields (time txPackets rxPackets tooLateRxPackets), found {n}";
        }

        if (!AsciiNumber.TryParseDouble(line[f[0]], out time) || time < 0)
        {
            return "time is not a non-negative number";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[1]], out tx))
        {
            return "txPackets is not a non-negative integer";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[2]], out rx))
        {
            return "rxPackets is not a non-negative integer";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[3]], out late))
        {
            return "tooLateRxPackets is not a non-negative integer";
        }

        if (rx > tx)
        {
            return $"rxPackets {rx} exceeds txPackets {tx}";
        }

        if (late > rx)
        {
            return $"tooLateRxPackets {late} exceeds rxPackets {rx}";
        }

        isRow = true;
        return null;
    }
}
