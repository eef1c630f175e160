namespace NetworkTwin.Analytics.Parsing;

/// <summary>Where the block parser hands the packet statistics rows it reads; false refuses a row (it is then read again line by line).</summary>
internal interface IPacketStatsRows
{
    bool TryAdd(double time, int tx, int rx, int late);
}

/// <summary>Where the block parser hands the throughput rows it reads; false refuses a row (it is then read again line by line).</summary>
internal interface IThroughputRows
{
    bool TryAdd(double time, double kbit);
}

/// <summary>
/// The block fast path of the text parsers: reads complete rows one after another from a block of lines through one
/// vectorised field scan (<see cref="FieldScanner"/>), and hands them over without a call per line. It reads the
/// common shape only (numbers separated by single spaces, LF or CRLF endings) and stops at the first line that is not
/// that shape, or that the rows refuse, so the careful path reads it and reports what is wrong. Each row is the same
/// row <see cref="PktStatsRow"/> and <see cref="ThroughputRow"/> would accept.
/// </summary>
internal static class RowBlock
{
    /// <summary>Reads "time tx rx tooLate" rows from the start of <paramref name="block"/>; returns the bytes they take (up to the first line it left).</summary>
    public static int PacketStats<TRows>(ReadOnlySpan<byte> block, int maxLineBytes, ref TRows rows, out int count)
        where TRows : struct, IPacketStatsRows
    {
        var scan = new FieldScanner(block);
        var lineStart = 0;
        count = 0;
        while (scan.Next(out var s, out var e, out var endsLine) && !endsLine && PlainNumber.TryDecimal(block, s, e, out var time)
            && scan.Next(out s, out e, out endsLine) && !endsLine && PlainNumber.TryInt(block, s, e, out var tx)
            && scan.Next(out s, out e, out endsLine) && !endsLine && PlainNumber.TryInt(block, s, e, out var rx)
            && scan.Next(out s, out e, out endsLine) && endsLine && PlainNumber.TryInt(block, s, WithoutCarriageReturn(block, s, e), out var late)
            && rx <= tx && late <= rx && e - lineStart <= maxLineBytes
            && rows.TryAdd(time, tx, rx, late))
        {
            count++;
            lineStart = e + 1;
        }

        return lineStart;
    }

    /// <summary>Reads "time kbit" rows from the start of <paramref name="block"/>; returns the bytes they take (up to the first line it left).</summary>
    public static int Throughput<TRows>(ReadOnlySpan<byte> block, int maxLineBytes, ref TRows rows, out int count)
        where TRows : struct, IThroughputRows
    {
        var scan = new FieldScanner(block);
        var lineStart = 0;
        count = 0;
        while (scan.Next(out var s, out var e, out var endsLine) && !endsLine && PlainNumber.TryDecimal(block, s, e, out var time)
            && scan.Next(out s, out e, out endsLine) && endsLine && PlainNumber.TryDecimal(block, s, WithoutCarriageReturn(block, s, e), out var kbit)
            && time <= ThroughputRow.MaxTimeSeconds && kbit <= ThroughputRow.MaxKbit && e - lineStart <= maxLineBytes
            && rows.TryAdd(time, kbit))
        {
            count++;
            lineStart = e + 1;
        }

        return lineStart;
    }

    private static int WithoutCarriageReturn(ReadOnlySpan<byte> block, int start, int end) =>
        end > start && block[end - 1] == (byte)'\r' ? end - 1 : end;
}
