using Grpc.Core;
using NetworkTwin.Hosting.Grpc;

namespace NetworkTwin.Hosting.Tests.Grpc;

public sealed class CoordinatorChannelTests
{
    [Fact]
    public async Task Describe_UnreachableCoordinator_SaysWhyTheTransportFailed()
    {
        // A port nobody listens on: grpc-dotnet's detail alone is "Error connecting to subchannel."
        var port = NetworkTwin.Testing.Launchers.LoopbackPort.Free();
        using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = new Uri($"http://127.0.0.1:{port}") });
        var client = new NetworkTwin.Contracts.Diagnostics.Diagnostics.DiagnosticsClient(channel);

        var failure = await Assert.ThrowsAsync<RpcException>(() => client.PingAsync(new NetworkTwin.Contracts.Diagnostics.PingRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync);
        var said = CoordinatorChannel.Describe(failure);

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.StartsWith(failure.Status.Detail, said, StringComparison.Ordinal);
        Assert.Contains("refused", said, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Describe_StatusFromTheCoordinator_IsItsDetail()
    {
        var failure = new RpcException(new Status(StatusCode.NotFound, "there is no decision 7"));

        Assert.Equal("there is no decision 7", CoordinatorChannel.Describe(failure));
    }
}
