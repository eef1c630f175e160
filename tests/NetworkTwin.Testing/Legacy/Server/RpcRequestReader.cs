using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using NetworkTwin.Testing.Legacy.Framing;

namespace NetworkTwin.Testing.Legacy.Server;

/// <summary>The messages a client sends, read from the request body as they arrive.</summary>
public sealed class RpcRequestReader<T>
    where T : class, IMessage<T>, new()
{
    private readonly PipeReader _reader;
    private readonly MessageParser<T> _parser;
    private readonly int _maxMessageBytes;
    private readonly bool _gzip;
    private bool _completed;

    internal RpcRequestReader(PipeReader reader, MessageParser<T> parser, int maxMessageBytes, bool gzip)
    {
        _reader = reader;
        _parser = parser;
        _maxMessageBytes = maxMessageBytes;
        _gzip = gzip;
    }

    /// <summary>The next message, or null when the client has finished sending.</summary>
    public async ValueTask<T?> ReadAsync(CancellationToken cancellationToken)
    {
        while (!_completed)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            T? message = null;
            var got = false;
            try
            {
                got = GrpcFraming.TryRead(ref buffer, _parser, _maxMessageBytes, _gzip, out message);
            }
            finally
            {
                // After a message, the rest is not examined yet: the next read must look at it before waiting for more bytes.
                if (got)
                {
                    _reader.AdvanceTo(buffer.Start);
                }
                else
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }

            if (got)
            {
                return message;
            }

            if (result.IsCompleted)
            {
                _completed = true;
                if (!buffer.IsEmpty)
                {
                    throw new RpcException(RpcStatusCode.Internal, $"the request ended inside a message ({buffer.Length} bytes left)");
                }
            }
        }

        return null;
    }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }
}
