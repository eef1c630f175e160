using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using NetworkTwin.Contracts.Tests.Grpc.Echo;
using NetworkTwin.Testing.Legacy;
using NetworkTwin.Testing.Legacy.Server;

namespace NetworkTwin.Contracts.Tests.Grpc;

/// <summary>The echo service as the previous release's own gRPC layer served it (paths mapped by hand on Kestrel).</summary>
internal sealed class PreviousReleaseEchoServer : IAsyncDisposable
{
    public static readonly RpcMethod<EchoRequest, EchoReply> Unary = new("networktwin.test.Echo", "Unary", RpcMethodType.Unary);
    public static readonly RpcMethod<EchoRequest, EchoReply> ServerStream = new("networktwin.test.Echo", "ServerStream", RpcMethodType.ServerStreaming);
    public static readonly RpcMethod<EchoRequest, EchoReply> ClientStream = new("networktwin.test.Echo", "ClientStream", RpcMethodType.ClientStreaming);
    public static readonly RpcMethod<EchoRequest, EchoReply> Duplex = new("networktwin.test.Echo", "Duplex", RpcMethodType.DuplexStreaming);

    private readonly WebApplication _app;

    private PreviousReleaseEchoServer(WebApplication app) => _app = app;

    public Uri Address => new(_app.Urls.First());

    public static async Task<PreviousReleaseEchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.MapUnary(Unary, async (request, context) =>
        {
            if (request.DelayMs > 0)
            {
                await Task.Delay(request.DelayMs, context.CallCancelled).ConfigureAwait(false);
            }

            if (request.FailCode != 0)
            {
                throw new RpcException((RpcStatusCode)request.FailCode, $"asked to fail: {request.Text}");
            }

            return new EchoReply { Text = request.Text };
        });
        app.MapServerStreaming(ServerStream, async (request, responses, context) =>
        {
            for (var i = 0; i < request.Repeat; i++)
            {
                await responses.WriteAsync(new EchoReply { Text = request.Text, Index = i }, context.CallCancelled).ConfigureAwait(false);
            }
        });
        app.MapClientStreaming(ClientStream, async (requests, context) =>
        {
            var texts = new List<string>();
            await foreach (var r in requests.ReadAllAsync(context.CallCancelled).ConfigureAwait(false))
            {
                texts.Add(r.Text);
            }

            return new EchoReply { Text = string.Join("+", texts), Index = texts.Count };
        });
        app.MapDuplexStreaming(Duplex, async (requests, responses, context) =>
        {
            var i = 0;
            await foreach (var r in requests.ReadAllAsync(context.CallCancelled).ConfigureAwait(false))
            {
                await responses.WriteAsync(new EchoReply { Text = r.Text.ToUpperInvariant(), Index = i++ }, context.CallCancelled).ConfigureAwait(false);
            }
        });
        await app.StartAsync().ConfigureAwait(false);
        return new PreviousReleaseEchoServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
