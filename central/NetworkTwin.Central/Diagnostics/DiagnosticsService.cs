using Grpc.Core;
using NetworkTwin.Contracts.Diagnostics;

namespace NetworkTwin.Central.Diagnostics;

/// <summary>Ping: a round trip that touches nothing but the wire (liveness from a tool, RPC benchmarks).</summary>
internal sealed class DiagnosticsService(TimeProvider time) : Contracts.Diagnostics.Diagnostics.DiagnosticsBase
{
    /// <summary>Largest payload echoed back; a bigger one is refused.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    public override Task<PingReply> Ping(PingRequest request, ServerCallContext context)
    {
        if (request.Payload.Length > MaxPayloadBytes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"payload of {request.Payload.Length} bytes is over the limit of {MaxPayloadBytes}"));
        }

        var nanos = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        return Task.FromResult(new PingReply { Payload = request.Payload, ServerTimeUnixNanos = nanos, ServerVersion = NetworkTwin.Hosting.ProductVersion.Text });
    }
}
