using Grpc.Core;
using NetworkTwin.Agent.Sync;

namespace NetworkTwin.Agent.Tests.Sync;

public sealed class SyncWorkerTests
{
    [Fact]
    public void OutageReason_TransportErrorMidWrite_IsAnOutageInTheTransportsWords()
    {
        // grpc-dotnet lets the HTTP/2 layer's error through unwrapped when a stream breaks during a write; a coordinator
        // that stops while the uplink is sending is an outage like any other (a new one, logged), not a fault of the agent
        // and not the TLS files.
        var broken = new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");

        var reason = SyncWorker.OutageReason(broken);

        Assert.StartsWith("the connection broke: The response ended prematurely.", reason, StringComparison.Ordinal);
        Assert.Equal("the connection broke: reset", SyncWorker.OutageReason(new HttpRequestException("send failed", new IOException("reset"))));
    }

    [Fact]
    public void OutageReason_CallStatus_NamesTheStatusUnlessUnavailable()
    {
        Assert.Equal("coordinator gone", SyncWorker.OutageReason(new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "coordinator gone"))));
        Assert.Equal("Unauthenticated: bad token", SyncWorker.OutageReason(new RpcException(new Grpc.Core.Status(StatusCode.Unauthenticated, "bad token"))));
    }

    [Fact]
    public void OutageReason_FaultOfTheAgent_IsNotAnOutage()
    {
        Assert.Null(SyncWorker.OutageReason(new InvalidOperationException("a bug")));
    }
}
