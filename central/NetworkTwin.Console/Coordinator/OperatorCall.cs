using Grpc.Core;

namespace NetworkTwin.Console.Coordinator;

/// <summary>One operator call's settings: the token's metadata, how long it may take, and the command's cancellation.</summary>
internal sealed record OperatorCall(Metadata? Headers, TimeSpan Timeout, CancellationToken CancellationToken)
{
    /// <summary>The gRPC call options, with the deadline counted from now.</summary>
    public CallOptions Options() => new(Headers, DateTime.UtcNow + Timeout, CancellationToken);
}
