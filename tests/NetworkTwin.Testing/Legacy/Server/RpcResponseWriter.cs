using System.IO.Pipelines;
using Google.Protobuf;
using NetworkTwin.Testing.Legacy.Framing;

namespace NetworkTwin.Testing.Legacy.Server;

/// <summary>Messages sent to the client, each flushed as it is written.</summary>
public sealed class RpcResponseWriter<T>
    where T : class, IMessage<T>
{
    private readonly PipeWriter _writer;
    private readonly Action _starting;

    internal RpcResponseWriter(PipeWriter writer, Action starting)
    {
        _writer = writer;
        _starting = starting;
    }

    internal int Written { get; private set; }

    public async ValueTask WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        _starting();
        GrpcFraming.Write(_writer, message, gzip: false);
        Written++;
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
