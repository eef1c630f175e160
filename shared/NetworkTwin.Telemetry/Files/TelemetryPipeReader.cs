using System.IO.Pipelines;
using NetworkTwin.Analytics.Parsing;

namespace NetworkTwin.Telemetry.Files;

/// <summary>The async loop that feeds a pipe into a synchronous telemetry parser.</summary>
public static class TelemetryPipeReader
{
    public const int BufferBytes = 1 << 16;

    /// <summary>Reads the pipe to its end through <paramref name="parser"/>, then completes the parser.</summary>
    /// <exception cref="InvalidDataException">The input was rejected; the message names the source and why.</exception>
    public static async Task ReadAsync(PipeReader reader, TelemetryTextParser parser, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(parser);
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    parser.Parse(ref buffer, result.IsCompleted);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
                finally
                {
                    // Everything before buffer.Start is parsed; the rest was examined and needs more bytes.
                    reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }

            parser.Complete();
            await reader.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await reader.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a file for sequential reading and parses it.</summary>
    public static async Task ReadFileAsync(string path, TelemetryTextParser parser, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: BufferBytes, minimumReadSize: BufferBytes / 4, leaveOpen: true));
            await ReadAsync(reader, parser, cancellationToken).ConfigureAwait(false);
        }
    }
}
