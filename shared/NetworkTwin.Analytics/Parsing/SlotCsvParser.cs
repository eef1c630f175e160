using NetworkTwin.Analytics.Fronthaul;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Parses the wide per-slot CSV: a header <c>slot_index,cell_1,...,cell_N</c> (any column name
/// ending in a cell number) and rows of a slot index followed by kbit per cell. A gap in slot indices is
/// silence. Memory is 8 bytes per cell per slot of span, so the span is bounded both in time and in values
/// (cells x slots): rows beyond it are malformed, and a short file cannot claim hours of silence for thousands
/// of cells.
/// </summary>
public sealed class SlotCsvParser(
    string source,
    double startSeconds,
    double maxSpanSeconds = SlotCsvParser.DefaultMaxSpanSeconds,
    long maxValues = SlotCsvParser.DefaultMaxValues,
    int maxLineBytes = SlotCsvParser.DefaultWideLineBytes)
    : TelemetryTextParser(source, maxLineBytes)
{
    public const int DefaultWideLineBytes = 1 << 16;
    public const int MaxCells = 4096;

    /// <summary>Ten minutes of slots (1.2 million), as for the throughput files.</summary>
    public const double DefaultMaxSpanSeconds = 600;

    /// <summary>64 million values (512 MB): 24 cells for the full ten minutes, 200 cells for five.</summary>
    public const long DefaultMaxValues = 64L << 20;

    private readonly long _maxSpanSlots = maxSpanSeconds > 0
        ? (long)(maxSpanSeconds / SymbolGrid.SlotSeconds)
        : throw new ArgumentOutOfRangeException(nameof(maxSpanSeconds), maxSpanSeconds, "must be positive");

    private int[]? _cellIds;
    private List<double>[] _columns = [];
    private long _firstSlot = -1;
    private long _lastSlot = -1;

    protected override string FormatName => "per-slot CSV (slot_index,cell_...)";

    public SlotTable ToTable()
    {
        if (_cellIds is null)
        {
            throw new InvalidDataException($"{Source}: no header line with cell columns.");
        }

        return new SlotTable(_cellIds, [.. _columns.Select(c => c.ToArray())], startSeconds);
    }

    protected override string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow)
    {
        isRow = false;
        if (_cellIds is null)
        {
            return mayBeHeader ? ParseHeader(line) : "expected the header line first";
        }

        Span<Range> f = _cellIds.Length + 1 <= 256 ? stackalloc Range[_cellIds.Length + 1] : new Range[_cellIds.Length + 1];
        var n = FieldSplitter.SplitOn(line, (byte)',', f);
        if (n != f.Length)
        {
            return $"expected {f.Length} fields like the header, found {n}";
        }

        if (!AsciiNumber.TryParseNonNegativeInt(line[f[0]], out var slot))
        {
            return "slot_index is not a non-negative integer";
        }

        if (slot <= _lastSlot)
        {
            return $"slot_index {slot} does not increase (previous {_lastSlot})";
        }

        Span<double> values = f.Length <= 256 ? stackalloc double[f.Length - 1] : new double[f.Length - 1];
        for (var i = 1; i < f.Length; i++)
        {
            if (!AsciiNumber.TryParseDouble(line[f[i]], out values[i - 1]) || values[i - 1] < 0)
            {
                return $"cell_{_cellIds[i - 1]} value is not a non-negative number";
            }
        }

        if (_firstSlot >= 0 && slot - _firstSlot >= Math.Min(_maxSpanSlots, maxValues / _columns.Length))
        {
            return $"slot_index {slot} is too far after the first row's {_firstSlot}: the table holds at most {_maxSpanSlots * SymbolGrid.SlotSeconds:0} s of slots and {maxValues:N0} values across its {_columns.Length} cells";
        }

        // A gap in slot indices is silence, not missing data.
        var gap = _lastSlot < 0 ? 0 : slot - _lastSlot - 1;
        if (_firstSlot < 0)
        {
            _firstSlot = slot;
        }

        for (var c = 0; c < _columns.Length; c++)
        {
            for (var g = 0; g < gap; g++)
            {
                _columns[c].Add(0);
            }

            _columns[c].Add(values[c]);
        }

        _lastSlot = slot;
        isRow = true;
        return null;
    }

    private string? ParseHeader(ReadOnlySpan<byte> line)
    {
        var n = FieldSplitter.SplitOn(line, (byte)',', []);
        if (n < 2 || n > MaxCells + 1)
        {
            return $"header must have slot_index and 1..{MaxCells} cell columns, found {n} fields";
        }

        var f = new Range[n];
        FieldSplitter.SplitOn(line, (byte)',', f);
        var ids = new int[n - 1];
        for (var i = 1; i < n; i++)
        {
            var name = line[f[i]];
            var digits = name.Length;
            while (digits > 0 && name[digits - 1] is >= (byte)'0' and <= (byte)'9')
            {
                digits--;
            }

            if (digits == 0 || digits == name.Length || !AsciiNumber.TryParseNonNegativeInt(name[digits..], out ids[i - 1]))
            {
                return $"header column {i + 1} does not name a cell like cell_7";
            }
        }

        if (ids.Distinct().Count() != ids.Length)
        {
            return "header names a cell twice";
        }

        _cellIds = ids;
        _columns = [.. ids.Select(_ => new List<double>())];
        return null;
    }
}
