using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NetworkTwin.Contracts.Tests.Grpc.Echo;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing;

namespace NetworkTwin.Contracts.Tests.Grpc;

/// <summary>
/// The product's gRPC stack (Grpc.Net.Client through <see cref="CoordinatorChannel"/> against Grpc.AspNetCore
/// on Kestrel) over real cleartext HTTP/2 on loopback: every guarantee the previous own layer proved.
/// </summary>
public sealed class GrpcCallTests : IAsyncLifetime, IDisposable
{
    private EchoServer _server = null!;
    private GrpcChannel _channel = null!;
    private Echo.Echo.EchoClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await EchoServer.StartAsync();
        _channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = _server.Address });
        _client = new Echo.Echo.EchoClient(_channel);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _channel?.Dispose();

    [Fact]
    public async Task Unary_WithMetadataAndGzip_RoundTrips()
    {
        var headers = new Metadata { { "x-tenant", "site-7" }, { "grpc-internal-encoding-request", "gzip" } };

        using var call = _client.UnaryAsync(new EchoRequest { Text = new string('x', 10_000) }, headers);
        var reply = await call.ResponseAsync;

        Assert.Equal(new string('x', 10_000), reply.Text);
        Assert.Equal("site-7", call.GetTrailers().GetValue("x-tenant-seen"));
    }

    [Fact]
    public async Task ServerStreaming_DeliversEveryMessageInOrder()
    {
        using var call = _client.ServerStream(new EchoRequest { Text = "tick", Repeat = 50 });

        var replies = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(Enumerable.Range(0, 50), replies.Select(r => r.Index));
    }

    [Fact]
    public async Task Duplex_SeveralRepliesBufferedAtOnce_AreEachDeliveredWithoutWaitingForMoreBytes()
    {
        // The call stays open, so nothing more arrives after the three replies: each must come out of what is already buffered.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var call = _client.Duplex(cancellationToken: timeout.Token);
        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text }, timeout.Token);
        }

        var texts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
            texts.Add(call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();

        Assert.Equal(["A", "B", "C"], texts);
    }

    [Fact]
    public async Task ClientStreaming_ServerSeesEveryRequest()
    {
        using var call = _client.ClientStream();
        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;

        Assert.Equal(("a+b+c", 3), (reply.Text, reply.Index));
    }

    [Fact]
    public async Task Duplex_RepliesWhileTheClientIsStillSending()
    {
        using var call = _client.Duplex();

        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var first = call.ResponseStream.Current.Text;
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "second" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var second = call.ResponseStream.Current.Text;
        await call.RequestStream.CompleteAsync();
        var more = await call.ResponseStream.MoveNext(CancellationToken.None);

        Assert.Equal(("FIRST", "SECOND", false), (first, second, more));
    }

    [Fact]
    public async Task Error_BeforeAnyMessage_StatusAndUnicodeMessageArrive()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _client.UnaryAsync(new EchoRequest { Text = "niet gevonden – ümlaut 100%", FailCode = (int)StatusCode.NotFound }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("asked to fail: niet gevonden – ümlaut 100%", ex.Status.Detail);
    }

    [Fact]
    public async Task Error_AfterStreamedMessages_ArrivesInTheTrailers()
    {
        var got = 0;
        using var call = _client.ServerStream(new EchoRequest { Text = "x", Repeat = 2, FailCode = (int)StatusCode.ResourceExhausted });

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
                got++;
            }
        });

        Assert.Equal((2, StatusCode.ResourceExhausted), (got, ex.StatusCode));
    }

    [Fact]
    public async Task Deadline_PassedOnTheWire_BothSidesStop()
    {
        // The connection first: on a loaded machine, setting it up could take the whole 300 ms, and a call whose
        // deadline passes before it is sent never reaches the server at all (CI saw that once).
        await _client.UnaryAsync(new EchoRequest { Text = "connect" });
        var ended = _server.Events.CallsEnded;

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            _client.UnaryAsync(new EchoRequest { Text = "slow", DelayMs = 10_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);

        // The server stops long before the 10 s the handler asked for: either the handler saw its deadline,
        // or (on a loaded machine) the client's reset arrived before the handler started and it never ran.
        await Poll.UntilAsync(() => _server.Events.CallsEnded, n => n > ended, "the server to end the call", seconds: 5, everyMilliseconds: 20);
    }

    [Fact]
    public async Task Cancellation_ByTheClient_ReachesTheServer()
    {
        using var cts = new CancellationTokenSource();
        var got = 0;
        using var call = _client.ServerStream(new EchoRequest { Text = "x", Repeat = 1000, DelayMs = 50 }, cancellationToken: cts.Token);

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
                if (++got == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await _server.Events.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HandlerBug_ClientSeesUnknownWithoutDetails_OperatorSeesTheException()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync(new EchoRequest { Text = "bug" }).ResponseAsync);

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(_server.Events.HandlerErrors, e => e.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        var missing = new Method<EchoRequest, EchoReply>(MethodType.Unary, "networktwin.test.Echo", "Missing", Marshallers.Create(r => r.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create(r => r.ToByteArray(), EchoReply.Parser.ParseFrom));

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.CreateCallInvoker().AsyncUnaryCall(missing, null, default, new EchoRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task OversizedMessage_IsRefusedWithResourceExhausted()
    {
        // The server's default limit is 4 MiB; the client may send more, the server must refuse it, not buffer it.
        var ex = await Assert.ThrowsAsync<RpcException>(() => _client.UnaryAsync(new EchoRequest { Text = new string('x', 5 * 1024 * 1024) }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
