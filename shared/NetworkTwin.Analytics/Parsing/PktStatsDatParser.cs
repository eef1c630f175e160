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
        var error = PktStatsRow.Parse(line, mayBeHeader, out var time, out var tx, out var rx, out var late, out isRow);
        if (isRow)
        {
            _times.Add(time);
            _tx.Add(tx);
            _rx.Add(rx);
            _late.Add(late);
        }

        return error;
    }
}
