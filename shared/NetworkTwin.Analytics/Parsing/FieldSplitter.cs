namespace NetworkTwin.Analytics.Parsing;

/// <summary>Splits one text line into fields without allocating.</summary>
internal static class FieldSplitter
{
    /// <summary>
    /// Splits on runs of spaces and tabs. Returns the number of fields found, which may exceed
    /// <paramref name="fields"/>.Length (the extra ones are counted, not stored).
    /// </summary>
    public static int SplitWhitespace(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            var start = i;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }

            if (count < fields.Length)
            {
                fields[count] = new Range(start, i);
            }

            count++;
        }

        return count;
    }

    /// <summary>Splits on a single separator byte; fields are trimmed of spaces and tabs.</summary>
    public static int SplitOn(ReadOnlySpan<byte> line, byte separator, Span<Range> fields)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var rel = line[start..].IndexOf(separator);
            var end = rel < 0 ? line.Length : start + rel;
            if (count < fields.Length)
            {
                fields[count] = Trim(line, start, end);
            }

            count++;
            if (rel < 0)
            {
                return count;
            }

            start = end + 1;
        }
    }

    private static Range Trim(ReadOnlySpan<byte> line, int start, int end)
    {
        while (start < end && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }

        return new Range(start, end);
    }
}
