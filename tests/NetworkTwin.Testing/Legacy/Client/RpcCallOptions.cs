namespace NetworkTwin.Testing.Legacy.Client;

/// <summary>Per-call settings: deadline, cancellation, metadata, compression.</summary>
public sealed record RpcCallOptions
{
    /// <summary>Sent as grpc-timeout; the call fails with DEADLINE_EXCEEDED when it runs out.</summary>
    public TimeSpan? Timeout { get; init; }

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Custom metadata (lower-case ASCII keys), e.g. authorization.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Compress request messages with gzip.</summary>
    public bool GzipRequests { get; init; }
}
