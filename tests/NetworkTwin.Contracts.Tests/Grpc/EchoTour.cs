using Grpc.Core;
using NetworkTwin.Contracts.Tests.Grpc.Echo;

namespace NetworkTwin.Contracts.Tests.Grpc;

/// <summary>The product's grpc-dotnet client through every call shape, an error with a Unicode message and a deadline, against any echo server.</summary>
internal static class EchoTour
{
    public static async Task RunAsync(Echo.Echo.EchoClient echo)
    {
        var unary = await echo.UnaryAsync(new EchoRequest { Text = "hello" }, new Metadata { { "grpc-internal-encoding-request", "gzip" } });
        using var serverStream = echo.ServerStream(new EchoRequest { Text = "t", Repeat = 20 });
        var streamed = (await serverStream.ResponseStream.ReadAllAsync().ToListAsync()).Select(m => m.Index).ToList();
        using var clientStream = echo.ClientStream();
        foreach (var t in new[] { "a", "b", "c" })
        {
            await clientStream.RequestStream.WriteAsync(new EchoRequest { Text = t });
        }

        await clientStream.RequestStream.CompleteAsync();
        var joined = await clientStream.ResponseAsync;
        using var duplex = echo.Duplex();
        await duplex.RequestStream.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await duplex.ResponseStream.MoveNext(CancellationToken.None));
        var first = duplex.ResponseStream.Current.Text;
        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext(CancellationToken.None));
        var error = await Assert.ThrowsAsync<RpcException>(() => echo.UnaryAsync(new EchoRequest { Text = "ümlaut 100%", FailCode = (int)StatusCode.NotFound }).ResponseAsync);
        var deadline = await Assert.ThrowsAsync<RpcException>(() =>
            echo.UnaryAsync(new EchoRequest { Text = "slow", DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.Equal("hello", unary.Text);
        Assert.Equal(Enumerable.Range(0, 20), streamed);
        Assert.Equal(("a+b+c", 3), (joined.Text, joined.Index));
        Assert.Equal("FIRST", first);
        Assert.Equal((StatusCode.NotFound, "asked to fail: ümlaut 100%"), (error.StatusCode, error.Status.Detail));
        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);
    }
}
