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
        isRow = false;
        var fast = new LineFields(line);
        if (fast.TryDecimal(out var t) && fast.TryDecimal(out var k) && fast.AtEnd && t <= 1e9 && k <= 1e12 && _grid.TryAdd(t, k) is null)
        {
            isRow = true;
            return null;
        }

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

        if (!AsciiNumber.TryParseDouble(line[f[0]], out var time) || time < 0 || time > 1e9)
        {
            return "time is not a number of seconds in 0..1e9";
        }

        if (!AsciiNumber.TryParseDouble(line[f[1]], out var kbit) || kbit < 0 || kbit > 1e12)
        {
            return "kbit is not a number in 0..1e12";
        }

        var error = _grid.TryAdd(time, kbit);
        if (error is not null)
        {
            return error;
        }

        isRow = true;
        return null;
    }
}
