using Microsoft.AspNetCore.Http;

namespace NetworkTwin.Testing.Legacy.Server;

/// <summary>What a handler knows about its call: headers in, trailers out, deadline and cancellation.</summary>
public sealed class RpcCallContext
{
    internal RpcCallContext(HttpContext http, string method, DateTimeOffset? deadline, CancellationToken cancelled)
    {
        HttpContext = http;
        Method = method;
        Deadline = deadline;
        CallCancelled = cancelled;
    }

    public HttpContext HttpContext { get; }

    public string Method { get; }

    /// <summary>When the client's grpc-timeout runs out; null without one.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled when the client cancels, disconnects or the deadline passes.</summary>
    public CancellationToken CallCancelled { get; }

    public IHeaderDictionary RequestHeaders => HttpContext.Request.Headers;

    /// <summary>Custom metadata sent back in the trailers (keys lower-case ASCII).</summary>
    public Dictionary<string, string> ResponseTrailers { get; } = new(StringComparer.Ordinal);

    public string? Peer => HttpContext.Connection.RemoteIpAddress is { } ip ? $"{ip}:{HttpContext.Connection.RemotePort}" : null;
}
