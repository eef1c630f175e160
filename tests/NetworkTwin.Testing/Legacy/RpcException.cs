namespace NetworkTwin.Testing.Legacy;

/// <summary>A call ended with a non-OK status; thrown by handlers to choose it and by clients to report it.</summary>
public sealed class RpcException(RpcStatusCode statusCode, string detail) : Exception($"{statusCode}: {detail}")
{
    public RpcStatusCode StatusCode { get; } = statusCode;

    public string Detail { get; } = detail;
}
