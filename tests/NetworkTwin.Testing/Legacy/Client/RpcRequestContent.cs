using System.Net;

namespace NetworkTwin.Testing.Legacy.Client;

/// <summary>A request body written while the call runs (one message, or a stream of them).</summary>
internal sealed class RpcRequestContent(Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => write(stream, cancellationToken);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken token) => write(stream, token);

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
