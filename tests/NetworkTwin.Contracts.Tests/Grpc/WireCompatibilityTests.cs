using Grpc.Core;
using NetworkTwin.Contracts.Tests.Grpc.Echo;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing.Legacy;
using NetworkTwin.Testing.Legacy.Client;

namespace NetworkTwin.Contracts.Tests.Grpc;

/// <summary>
/// The wire did not change with the move to grpc-dotnet: the previous release's own client talks to a
/// grpc-dotnet server, and the grpc-dotnet client to the previous release's server, for every call shape
/// and for errors. (An old agent against the new coordinator is tested in the coordinator's tests.)
/// </summary>
public sealed class WireCompatibilityTests
{
    [Fact]
    public async Task PreviousReleaseClient_AgainstGrpcDotnetServer_EveryCallShapeAndErrors()
    {
        await using var server = await EchoServer.StartAsync();
        using var old = new RpcChannel(server.Address);

        var unary = await old.UnaryAsync(PreviousReleaseEchoServer.Unary, new EchoRequest { Text = "hello" }, new RpcCallOptions { GzipRequests = true });
        var streamed = new List<int>();
        await foreach (var r in old.ServerStreamingAsync(PreviousReleaseEchoServer.ServerStream, new EchoRequest { Text = "t", Repeat = 20 }))
        {
            streamed.Add(r.Index);
        }

        var joined = await old.ClientStreamingAsync(PreviousReleaseEchoServer.ClientStream, Texts("a", "b", "c"));
        var duplex = old.Duplex(PreviousReleaseEchoServer.Duplex);
        await using var replies = duplex.Responses.GetAsyncEnumerator();
        await duplex.Requests.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await replies.MoveNextAsync());
        var first = replies.Current.Text;
        duplex.Requests.Complete();
        var error = await Assert.ThrowsAsync<Testing.Legacy.RpcException>(() =>
            old.UnaryAsync(PreviousReleaseEchoServer.Unary, new EchoRequest { Text = "ümlaut 100%", FailCode = (int)StatusCode.NotFound }));
        var deadline = await Assert.ThrowsAsync<Testing.Legacy.RpcException>(() =>
            old.UnaryAsync(PreviousReleaseEchoServer.Unary, new EchoRequest { Text = "slow", DelayMs = 10_000 }, new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal("hello", unary.Text);
        Assert.Equal(Enumerable.Range(0, 20), streamed);
        Assert.Equal(("a+b+c", 3), (joined.Text, joined.Index));
        Assert.Equal("FIRST", first);
        Assert.Equal((RpcStatusCode.NotFound, "asked to fail: ümlaut 100%"), (error.StatusCode, error.Detail));
        Assert.Equal(RpcStatusCode.DeadlineExceeded, deadline.StatusCode);
    }

    [Fact]
    public async Task GrpcDotnetClient_AgainstPreviousReleaseServer_EveryCallShapeAndErrors()
    {
        await using var server = await PreviousReleaseEchoServer.StartAsync();
        using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = server.Address });

        await EchoTour.RunAsync(new Echo.Echo.EchoClient(channel));
    }

    private static async IAsyncEnumerable<EchoRequest> Texts(params string[] texts)
    {
        foreach (var t in texts)
        {
            await Task.Yield();
            yield return new EchoRequest { Text = t };
        }
    }
}
