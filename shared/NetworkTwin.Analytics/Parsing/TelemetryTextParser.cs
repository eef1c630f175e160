using System.Buffers;
using System.Text;

namespace NetworkTwin.Analytics.Parsing;

/// <summary>
/// Base of the line-oriented telemetry parsers. Synchronous and pure: it is handed bytes,
/// consumes every complete line, and keeps no reference to the buffer afterwards, so an async
/// pipe loop can call <see cref="Parse"/> then <c>AdvanceTo</c>.
/// </summary>
/// <remarks>
/// Accepted: LF or CRLF endings, blank lines, leading/trailing spaces and tabs, a missing final
/// newline, and one header line before the first row. A line that fails to parse is counted,
/// reported with its line number and skipped. A line longer than the limit is reported without
/// being buffered whole. Input where malformed lines outnumber good rows is rejected.
/// </remarks>
public abstract class TelemetryTextParser
{
    public const int DefaultMaxLineBytes = 4096;
    public const int MaxKeptSamples = 20;

    /// <summary>Lines read before an input that is mostly garbage is rejected early.</summary>
    public const int VerdictLines = 1000;

    private readonly List<MalformedLine> _samples = [];
    private readonly byte[] _scratch;
    /// <summary>Lines read one by one after the block path read none, before it tries again.</summary>
    private const int BlockPauseLines = 16;

    private bool _skippingLongLine;
    private int _blockPause;
    private bool _sawContent;

    protected TelemetryTextParser(string source, int maxLineBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        Source = source;
        MaxLineBytes = maxLineBytes;
        _scratch = new byte[maxLineBytes];
    }

    /// <summary>File name or topic the bytes come from; used in every message.</summary>
    public string Source { get; }

    public int MaxLineBytes { get; }

    public long LinesRead { get; private set; }

    public long RowsAccepted { get; private set; }

    public long MalformedLines { get; private set; }

    /// <summary>The first <see cref="MaxKeptSamples"/> malformed lines (all are counted).</summary>
    public IReadOnlyList<MalformedLine> MalformedSamples => _samples;

    /// <summary>Called for every malformed line, for logging; may be null.</summary>
    public Action<MalformedLine>? OnMalformed { get; set; }

    /// <summary>
    /// Consumes every complete line in <paramref name="buffer"/> and slices it past them. When
    /// <paramref name="isFinalBlock"/> is true the remaining bytes are the last line.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is mostly not this format.</exception>
    public void Parse(ref ReadOnlySequence<byte> buffer, bool isFinalBlock)
    {
        while (!buffer.IsEmpty)
        {
            // Fast path: every line wholly inside the first segment, slicing the sequence once. Rows of the common
            // shape go in blocks; a line the block path leaves is read on its own, then the blocks go on.
            var first = buffer.FirstSpan;
            var consumed = 0;
            while (true)
            {
                var blockPath = _blockPause == 0 && !_skippingLongLine;
                if (blockPath)
                {
                    consumed += ParseBlock(first[consumed..]);
                }

                var newline = first[consumed..].IndexOf((byte)'\n');
                if (newline < 0)
                {
                    break;
                }

                // A complete line the block path left: it and the next few go line by line, so input of another
                // shape (tabs, padding) costs one block attempt in every few lines, not one in every line.
                _blockPause = blockPath ? BlockPauseLines : Math.Max(0, _blockPause - 1);
                FrameLine(first.Slice(consumed, newline));
                consumed += newline + 1;
            }

            if (consumed > 0)
            {
                buffer = buffer.Slice(consumed);
                continue;
            }

            var position = buffer.PositionOf((byte)'\n');
            if (position is { } nl)
            {
                var line = buffer.Slice(0, nl);
                buffer = buffer.Slice(buffer.GetPosition(1, nl));
                FrameSequence(line);
                continue;
            }

            if (isFinalBlock)
            {
                FrameSequence(buffer);
                buffer = buffer.Slice(buffer.End);
                _skippingLongLine = false;
                return;
            }

            if (buffer.Length > MaxLineBytes)
            {
                // Never buffer an unbounded line: report it now and drop its bytes up to the newline.
                if (!_skippingLongLine)
                {
                    LinesRead++;
                    Reject($"line longer than {MaxLineBytes} bytes");
                    _skippingLongLine = true;
                }

                buffer = buffer.Slice(buffer.End);
            }

            return;
        }
    }

    /// <summary>
    /// Forgets counts and samples to parse a new, independent input (the next MQTT payload) with
    /// the same instance, so a live stream does not allocate a parser per message.
    /// </summary>
    public void Restart()
    {
        _samples.Clear();
        _skippingLongLine = false;
        _sawContent = false;
        _blockPause = 0;
        LinesRead = 0;
        RowsAccepted = 0;
        MalformedLines = 0;
    }

    /// <summary>Ends the input; rejects an input without rows or with more garbage than rows.</summary>
    /// <exception cref="InvalidDataException">The input has no rows or is mostly garbage.</exception>
    public void Complete()
    {
        if (MalformedLines > RowsAccepted)
        {
            throw MostlyGarbage();
        }

        if (RowsAccepted == 0)
        {
            throw new InvalidDataException($"{Source}: no {FormatName} rows found ({LinesRead} lines read).");
        }

        OnCompleted();
    }

    /// <summary>Human name of the format, used in messages ("pkt-stats .dat").</summary>
    protected abstract string FormatName { get; }

    /// <summary>
    /// Parses one trimmed, non-empty line. Returns null when it was accepted (as a row or, when
    /// <paramref name="mayBeHeader"/>, as the header), otherwise the reason it is malformed.
    /// </summary>
    protected abstract string? ParseLine(ReadOnlySpan<byte> line, bool mayBeHeader, out bool isRow);

    /// <summary>Hook for the format to finish (sort, validate) once the input is complete.</summary>
    protected virtual void OnCompleted()
    {
    }

    /// <summary>
    /// The block fast path (<see cref="RowBlock"/>): reads the complete rows of the common shape from the start of
    /// <paramref name="block"/> and returns the bytes they take, up to the first line it leaves to
    /// <see cref="ParseLine"/>. Every line it reads must be a row <see cref="ParseLine"/> would accept.
    /// </summary>
    private protected virtual int ParseRows(ReadOnlySpan<byte> block, out int rows)
    {
        rows = 0;
        return 0;
    }

    private int ParseBlock(ReadOnlySpan<byte> block)
    {
        var consumed = ParseRows(block, out var rows);
        if (rows == 0)
        {
            return 0;
        }

        LinesRead += rows;
        RowsAccepted += rows;
        _sawContent = true;
        return consumed;
    }

    private void FrameSequence(ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            FrameLine(line.FirstSpan);
            return;
        }

        if (line.Length > MaxLineBytes)
        {
            FrameLine(line.Slice(0, MaxLineBytes + 1).ToArray());
            return;
        }

        line.CopyTo(_scratch);
        FrameLine(_scratch.AsSpan(0, (int)line.Length));
    }

    private void FrameLine(ReadOnlySpan<byte> line)
    {
        if (_skippingLongLine)
        {
            // The tail of a line already reported as too long.
            _skippingLongLine = false;
            return;
        }

        LinesRead++;
        if (line.Length > MaxLineBytes)
        {
            Reject($"line longer than {MaxLineBytes} bytes");
            return;
        }

        var end = line.Length;
        while (end > 0 && line[end - 1] is (byte)'\r' or (byte)' ' or (byte)'\t')
        {
            end--;
        }

        var start = 0;
        while (start < end && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        line = line[start..end];
        if (line.IsEmpty)
        {
            return;
        }

        var mayBeHeader = !_sawContent;
        _sawContent = true;
        var error = ParseLine(line, mayBeHeader, out var isRow);
        if (error is not null)
        {
            Reject($"{error} in \"{Excerpt(line)}\"");
            return;
        }

        if (isRow)
        {
            RowsAccepted++;
        }
    }

    private void Reject(string reason)
    {
        MalformedLines++;
        var malformed = new MalformedLine(Source, LinesRead, reason);
        if (_samples.Count < MaxKeptSamples)
        {
            _samples.Add(malformed);
        }

        OnMalformed?.Invoke(malformed);
        if (MalformedLines + RowsAccepted >= VerdictLines && MalformedLines > RowsAccepted)
        {
            throw MostlyGarbage();
        }
    }

    private InvalidDataException MostlyGarbage()
    {
        var first = _samples.Count > 0 ? $" First: line {_samples[0].LineNumber}: {_samples[0].Reason}." : string.Empty;
        return new InvalidDataException(
            $"{Source}: rejected, {MalformedLines} of {MalformedLines + RowsAccepted} lines are malformed; " +
            $"this does not look like {FormatName} data.{first}");
    }

    private static string Excerpt(ReadOnlySpan<byte> line)
    {
        const int Max = 48;
        var sb = new StringBuilder(Math.Min(line.Length, Max) + 3);
        foreach (var b in line.Length > Max ? line[..Max] : line)
        {
            sb.Append(b is >= 0x20 and < 0x7F and not (byte)'"' ? (char)b : '?');
        }

        if (line.Length > Max)
        {
            sb.Append("...");
        }

        return sb.ToString();
    }
}
