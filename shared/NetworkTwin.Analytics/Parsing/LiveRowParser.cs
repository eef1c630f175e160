using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Text telemetry of one kind, row by row to a sink instead of into a grid: for live payloads
/// (MQTT text batches, tailed files) where rows are consumed as they arrive.
/// </summary>
public sealed class LiveRowParser(TelemetryKind kind, string source, ITelemetryRowSink sink, int maxLineBytes = TelemetryTextParser.DefaultMaxLineBytes)
    : TelemetryTextParser(source, maxLineBytes)
{
    public TelemetryKind Kind { get; } = kind;

    protected override string FormatName => Kind == TelemetryKind.Throughput ? "throughput (time kbit)" : "pkt-stats (time tx rx tooLate)";

    protected override string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow)
    {
        if (Kind == TelemetryKind.Throughput)
        {
            var error = ThroughputRow.Parse(line, mayBeHeader, out var time, out var kbit, out isRow);
            if (isRow)
            {
                sink.Throughput(time, kbit);
            }

            return error;
        }
        else
        {
            var error = PktStatsRow.Parse(line, mayBeHeader, out var time, out var tx, out var rx, out var late, out isRow);
            if (isRow)
            {
                sink.PacketStats(time, tx, rx, late);
            }

            return error;
        }
    }

    private protected override int ParseRows(ReadOnlySpan<byte> block, out int rows)
    {
        var into = new Into(sink);
        return Kind == TelemetryKind.Throughput
            ? RowBlock.Throughput(block, MaxLineBytes, ref into, out rows)
            : RowBlock.PacketStats(block, MaxLineBytes, ref into, out rows);
    }

    private readonly struct Into(ITelemetryRowSink sink) : IThroughputRows, IPacketStatsRows
    {
        public bool TryAdd(double time, double kbit)
        {
            sink.Throughput(time, kbit);
            return true;
        }

        public bool TryAdd(double time, int tx, int rx, int late)
        {
            sink.PacketStats(time, tx, rx, late);
            return true;
        }
    }
}
