using Google.Protobuf;

namespace NetworkTwin.Testing.Legacy;

public enum RpcMethodType
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>A gRPC method (a wire definition, carried by NetworkTwin.Rpc): its HTTP/2 path <c>/package.Service/Method</c>, its shape and its message parsers.</summary>
public sealed record RpcMethod<TRequest, TResponse>(string Service, string Name, RpcMethodType Type)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public string Path => $"/{Service}/{Name}";

    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());
}
