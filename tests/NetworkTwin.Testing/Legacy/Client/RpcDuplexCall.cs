using System.Threading.Channels;

namespace NetworkTwin.Testing.Legacy.Client;

/// <summary>A running bidirectional call.</summary>
public sealed class RpcDuplexCall<TRequest, TResponse>(ChannelWriter<TRequest> requests, IAsyncEnumerable<TResponse> responses)
{
    /// <summary>Write requests here; <c>Complete()</c> ends the request stream.</summary>
    public ChannelWriter<TRequest> Requests { get; } = requests;

    /// <summary>Read responses here; the status is checked when it ends (RpcException when not OK).</summary>
    public IAsyncEnumerable<TResponse> Responses { get; } = responses;
}
