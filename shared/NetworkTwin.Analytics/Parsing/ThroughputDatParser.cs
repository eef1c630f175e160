using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Parses <c>throughput-cell-N.dat</c>: "&lt;time s&gt; &lt;kbit&gt;" per symbol, straight onto the
/// symbol grid (memory ~4 bytes per symbol of span, whatever the file size). Rows may be out of
/// order and timestamps may repeat.
/// </summary>
public sealed class ThroughputDatParser(
    int cellId,
    string source,
    double maxSpanSeconds = ThroughputDatParser.DefaultMaxSpanSeconds,
    int maxLineBytes = TelemetryTextParser.DefaultMaxLineBytes)
    : TelemetryTextParser(source, maxLineBytes)
{
    /// <summary>Ten minutes of symbols (~67 MB of grid): far more than one capture file holds.</summary>
    public const double DefaultMaxSpanSeconds = 600;

    private readonly SymbolGridBuilder _grid = new(maxSpanSeconds);

    protected override string FormatName => "throughput .dat (time kbit)";

    public SymbolGrid ToGrid() => _grid.Build(cellId);

    protected override string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow)
    {
        var error = ThroughputRow.Parse(line, mayBeHeader, out var time, out var kbit, out isRow);
        if (error is null && isRow)
        {
            error = _grid.TryAdd(time, kbit);
            isRow = error is null;
        }

        return error;
    }

    private protected override int ParseRows(ReadOnlySpan<byte> block, out int rows)
    {
        var into = new Into(_grid);
        return RowBlock.Throughput(block, MaxLineBytes, ref into, out rows);
    }

    /// <summary>A row the grid refuses (too far from the others) is left to the line path, which says why.</summary>
    private readonly struct Into(SymbolGridBuilder grid) : IThroughputRows
    {
        public bool TryAdd(double time, double kbit) => grid.TryAdd(time, kbit) is null;
    }
}
