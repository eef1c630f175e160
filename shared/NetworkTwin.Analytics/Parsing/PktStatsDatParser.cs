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
    private readonly List<double> _times = new(1 << 16);
    private readonly List<int> _tx = new(1 << 16);
    private readonly List<int> _rx = new(1 << 16);
    private readonly List<int> _late = new(1 << 16);

    protected override string FormatName => "pkt-stats .dat (time tx rx tooLate)";

    public PacketStatsSeries ToSeries() => new(cellId, [.. _times], [.. _tx], [.. _rx], [.. _late]);

    protected override string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow)
    {
        isRow = false;
        var fast = new LineFields(line);
        if (fast.TryDecimal(out var t) && fast.TryInt(out var sent) && fast.TryInt(out var received) && fast.TryInt(out var tooLate)
            && fast.AtEnd && received <= sent && tooLate <= received)
        {
            isRow = AddRow(t, sent, received, tooLate);
            return null;
        }

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

        if (!AsciiNumber.TryParseDouble(line[f[0]], out var time) || time < 0)
        {
            return "time is not a non-negative number";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[1]], out var tx))
        {
            return "txPackets is not a non-negative integer";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[2]], out var rx))
        {
            return "rxPackets is not a non-negative integer";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[3]], out var late))
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

        isRow = AddRow(time, tx, rx, late);
        return null;
    }

    private bool AddRow(double time, int tx, int rx, int late)
    {
        _times.Add(time);
        _tx.Add(tx);
        _rx.Add(rx);
        _late.Add(late);
        return true;
    }
}
