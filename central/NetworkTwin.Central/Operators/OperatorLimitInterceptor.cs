using Grpc.Core;
using Grpc.Core.Interceptors;
using NetworkTwin.Central.Limits;

namespace NetworkTwin.Central.Operators;

/// <summary>
/// Holds every call to the operators' API to its operator's limits (<see cref="OperatorLimits"/>). It runs after
/// <see cref="OperatorAuthInterceptor"/>, so the operator is the token's name; without tokens, the peer's address.
/// </summary>
internal sealed class OperatorLimitInterceptor(OperatorLimits limits) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var call = Enter(context);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    /// <summary>"ipv4:10.0.0.5:53211" to "10.0.0.5": one operator's connections share its limits whatever the port.</summary>
    internal static string PeerHost(string? peer)
    {
        if (string.IsNullOrEmpty(peer))
        {
            return "unknown peer";
        }

        var address = peer.StartsWith("ipv4:", StringComparison.Ordinal) || peer.StartsWith("ipv6:", StringComparison.Ordinal) ? peer[5..] : peer;
        var colon = address.LastIndexOf(':');
        return colon > 0 ? address[..colon].Trim('[', ']') : address;
    }

    private IDisposable Enter(ServerCallContext context) =>
        limits.Enter(OperatorAuthInterceptor.OperatorOf(context) ?? "peer " + PeerHost(context.Peer), context.Method);
}
