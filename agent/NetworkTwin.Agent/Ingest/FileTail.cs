using System.IO.Pipelines;
using NetworkTwin.Agent.Live;
using NetworkTwin.Analytics.Parsing;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Ingest;

/// <summary>
/// Follows one growing .dat file: reads the bytes added since the last poll through a pipe,
/// applies complete lines, and leaves a partial last line for the next poll. A file whose first
/// bytes changed or that shrank was rotated or truncated: it is read again from the start.
/// </summary>
internal sealed class FileTail(string path, int cellId, TelemetryKind kind, CellWindow cell)
{
    private const int FingerprintBytes = 64;

    private LiveRowParser _parser = new(kind, path, cell);
    private byte[] _fingerprint = [];
    private long _countedRows;
    private long _countedMalformed;

    public string Path { get; } = path;

    public int CellId { get; } = cellId;

    public long Offset { get; private set; }

    public long Rows { get; private set; }

    public long MalformedLines { get; private set; }

    public int Rotations { get; private set; }

    /// <summary>Set when the file was rejected as mostly garbage; cleared when it is rotated.</summary>
    public string? Rejected { get; private set; }

    public TailedFileStatus Status() => new(Path, Offset, Rows, MalformedLines, Rotations);

    /// <summary>Reads what was appended. Returns (new rows, new malformed lines, rotated?).</summary>
    public async Task<(long Rows, long Malformed, bool Rotated)> PollAsync(CancellationToken cancellationToken)
    {
        var stream = new FileStream(Path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.SequentialScan,
        });
        bool rotated;
        await using (stream.ConfigureAwait(false))
        {
            rotated = await CheckRotationAsync(stream, cancellationToken).ConfigureAwait(false);
            if (Rejected is not null || stream.Length <= Offset)
            {
                return (0, 0, rotated);
            }

            stream.Position = Offset;
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    var buffer = result.Buffer;
                    var before = buffer.Length;
                    try
                    {
                        _parser.Parse(ref buffer, isFinalBlock: false);
                    }
                    catch (InvalidDataException ex)
                    {
                        Rejected = ex.Message;
                        reader.AdvanceTo(buffer.End);
                        break;
                    }
                    finally
                    {
                        Offset += before - buffer.Length;
                    }

                    // Complete lines are consumed; a trailing partial line waits for the next poll.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
            finally
            {
                await reader.CompleteAsync().ConfigureAwait(false);
            }
        }

        Rows = _parser.RowsAccepted;
        MalformedLines = _parser.MalformedLines;
        var delta = (Rows - _countedRows, MalformedLines - _countedMalformed, rotated);
        _countedRows = Rows;
        _countedMalformed = MalformedLines;
        return delta;
    }

    private async Task<bool> CheckRotationAsync(FileStream stream, CancellationToken cancellationToken)
    {
        var head = new byte[(int)Math.Min(FingerprintBytes, stream.Length)];
        await stream.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        var sameStart = head.AsSpan(0, Math.Min(head.Length, _fingerprint.Length)).SequenceEqual(_fingerprint.AsSpan(0, Math.Min(head.Length, _fingerprint.Length)));
        var rotated = Offset > 0 && (stream.Length < Offset || !sameStart);
        if (rotated)
        {
            _parser = new LiveRowParser(kind, Path, cell);
            Offset = 0;
            Rows = 0;
            MalformedLines = 0;
            _countedRows = 0;
            _countedMalformed = 0;
            Rejected = null;
            Rotations++;
        }

        if (head.Length > _fingerprint.Length || rotated)
        {
            _fingerprint = head;
        }

        return rotated;
    }
}
