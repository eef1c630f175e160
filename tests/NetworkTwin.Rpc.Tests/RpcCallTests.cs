using NetworkTwin.Rpc.Client;
using NetworkTwin.Rpc.Tests.Echo;

namespace NetworkTwin.Rpc.Tests;

/// <summary>The project's client against the project's server over real cleartext HTTP/2 on loopback.</summary>
public sealed class RpcCallTests : IAsyncLifetime, IDisposable
{
    private EchoServer _server = null!;
    private RpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await EchoServer.StartAsync();
        _channel = new RpcChannel(_server.Address);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _channel?.Dispose();

    private static async IAsyncEnumerable<EchoRequest> Texts(params string[] texts)
    {
        foreach (var t in texts)
        {
            await Task.Yield();
            yield return new EchoRequest { Text = t };
        }
    }

    [Fact]
    public async Task Unary_WithMetadataAndGzip_RoundTrips()
    {
        var reply = await _channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = new string('x', 10_000) }, new RpcCallOptions
        {
            Headers = new Dictionary<string, string> { ["x-tenant"] = "site-7" },
            GzipRequests = true,
        });

        Assert.Equal(new string('x', 10_000), reply.Text);
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryMessageInOrder()
    {
        var replies = new List<EchoReply>();
        await foreach (var r in _channel.ServerStreamingAsync(EchoServer.ServerStream, new EchoRequest { Text = "tick", Repeat = 50 }))
        {
            replies.Add(r);
        }

        Assert.Equal(Enumerable.Range(0, 50), replies.Select(r => r.Index));
    }

    [Fact]
    public async Task Duplex_SeveralRepliesBufferedAtOnce_AreEachDeliveredWithoutWaitingForMoreBytes()
    {
        // The call stays open, so nothing more arrives after the three replies: each must come out of what is already buffered.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var call = _channel.Duplex(EchoServer.Duplex, new RpcCallOptions { CancellationToken = timeout.Token });
        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.Requests.WriteAsync(new EchoRequest { Text = text }, timeout.Token);
        }

        await using var replies = call.Responses.GetAsyncEnumerator(timeout.Token);
        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await replies.MoveNextAsync());
            texts.Add(replies.Current.Text);
            await Task.Delay(i == 0 ? 0 : 10, timeout.Token);
        }

        call.Requests.Complete();
        Assert.Equal(["A", "B", "C"], texts);
    }

    [Fact]
    public async Task ClientStreaming_ServerSeesEveryRequest()
    {
        var reply = await _channel.ClientStreamingAsync(EchoServer.ClientStream, Texts("a", "b", "c"));

        Assert.Equal(("a+b+c", 3), (reply.Text, reply.Index));
    }

    [Fact]
    public async Task Duplex_RepliesWhileTheClientIsStillSending()
    {
        var call = _channel.Duplex(EchoServer.Duplex);
        var reader = call.Responses.GetAsyncEnumerator();

        await call.Requests.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await reader.MoveNextAsync());
        var first = reader.Current.Text;
        await call.Requests.WriteAsync(new EchoRequest { Text = "second" });
        Assert.True(await reader.MoveNextAsync());
        var second = reader.Current.Text;
        call.Requests.Complete();
        var more = await reader.MoveNextAsync();
        await reader.DisposeAsync();

        Assert.Equal(("FIRST", "SECOND", false), (first, second, more));
    }

    [Fact]
    public async Task Error_BeforeAnyMessage_StatusAndUnicodeMessageArrive()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "niet gevonden – ümlaut 100%", FailCode = (int)RpcStatusCode.NotFound }));

        Assert.Equal(RpcStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("asked to fail: niet gevonden – ümlaut 100%", ex.Detail);
    }

    [Fact]
    public async Task Error_AfterStreamedMessages_ArrivesInTheTrailers()
    {
        var got = 0;
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in _channel.ServerStreamingAsync(EchoServer.ServerStream, new EchoRequest { Text = "x", Repeat = 2, FailCode = (int)RpcStatusCode.ResourceExhausted }))
            {
                got++;
            }
        });

        Assert.Equal((2, RpcStatusCode.ResourceExhausted), (got, ex.StatusCode));
    }

    [Fact]
    public async Task Deadline_PassedOnTheWire_BothSidesStop()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "slow", DelayMs = 10_000 }, new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal(RpcStatusCode.DeadlineExceeded, ex.StatusCode);

        // The server stops long before the 10 s the handler asked for: either the handler saw its deadline,
        // or (on a loaded machine) the client's reset arrived before the handler started and it never ran.
        await _server.CallEnded.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Cancellation_ByTheClient_ReachesTheServer()
    {
        using var cts = new CancellationTokenSource();
        var got = 0;

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in _channel.ServerStreamingAsync(EchoServer.ServerStream, new EchoRequest { Text = "x", Repeat = 1000, DelayMs = 50 }, new RpcCallOptions { CancellationToken = cts.Token }))
            {
                if (++got == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(RpcStatusCode.Cancelled, ex.StatusCode);
        await _server.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HandlerBug_ClientSeesUnknownWithoutDetails_OperatorSeesTheException()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "bug" }));

        Assert.Equal(RpcStatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Detail, StringComparison.Ordinal);
        Assert.Single(_server.HandlerErrors);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(EchoServer.Missing, new EchoRequest()));

        Assert.Equal(RpcStatusCode.Unimplemented, ex.StatusCode);
    }
}
