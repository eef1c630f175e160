using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using NetworkTwin.Contracts;
using NetworkTwin.Rpc.Server;
using NetworkTwin.Rpc.Tests.Echo;

namespace NetworkTwin.Rpc.Tests;

/// <summary>A real Kestrel server on 127.0.0.1, port 0, cleartext HTTP/2, serving the echo methods.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    public static readonly RpcMethod<EchoRequest, EchoReply> Unary = new("networktwin.test.Echo", "Unary", RpcMethodType.Unary);
    public static readonly RpcMethod<EchoRequest, EchoReply> ServerStream = new("networktwin.test.Echo", "ServerStream", RpcMethodType.ServerStreaming);
    public static readonly RpcMethod<EchoRequest, EchoReply> ClientStream = new("networktwin.test.Echo", "ClientStream", RpcMethodType.ClientStreaming);
    public static readonly RpcMethod<EchoRequest, EchoReply> Duplex = new("networktwin.test.Echo", "Duplex", RpcMethodType.DuplexStreaming);
    public static readonly RpcMethod<EchoRequest, EchoReply> Missing = new("networktwin.test.Echo", "Missing", RpcMethodType.Unary);

    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Set when a handler saw its call cancelled (client cancel or deadline).</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when the server is done with a call, whether its handler ran or the stream was reset before the handler started.</summary>
    public TaskCompletionSource CallEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<Exception> HandlerErrors { get; } = [];

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        EchoServer? server = null;
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http).ConfigureAwait(false);
            }
            finally
            {
                server!.CallEnded.TrySetResult();
            }
        });
        var options = new RpcServerOptions { OnHandlerError = (_, ex) => server!.HandlerErrors.Add(ex) };

        app.MapUnary(Unary, async (request, context) =>
        {
            await Delay(server!, request, context).ConfigureAwait(false);
            if (request.Text == "bug")
            {
                throw new InvalidOperationException("a handler bug with a secret path /etc/secret");
            }

            Fail(request);
            if (context.RequestHeaders.TryGetValue("x-tenant", out var tenant))
            {
                context.ResponseTrailers["x-tenant-seen"] = tenant.ToString();
            }

            return new EchoReply { Text = request.Text };
        }, options);
        app.MapServerStreaming(ServerStream, async (request, responses, context) =>
        {
            for (var i = 0; i < request.Repeat; i++)
            {
                await responses.WriteAsync(new EchoReply { Text = request.Text, Index = i }, context.CallCancelled).ConfigureAwait(false);
                await Delay(server!, request, context).ConfigureAwait(false);
            }

            Fail(request);
        }, options);
        app.MapClientStreaming(ClientStream, async (requests, context) =>
        {
            var texts = new List<string>();
            await foreach (var r in requests.ReadAllAsync(context.CallCancelled).ConfigureAwait(false))
            {
                texts.Add(r.Text);
            }

            return new EchoReply { Text = string.Join("+", texts), Index = texts.Count };
        }, options);
        app.MapDuplexStreaming(Duplex, async (requests, responses, context) =>
        {
            var i = 0;
            await foreach (var r in requests.ReadAllAsync(context.CallCancelled).ConfigureAwait(false))
            {
                await responses.WriteAsync(new EchoReply { Text = r.Text.ToUpperInvariant(), Index = i++ }, context.CallCancelled).ConfigureAwait(false);
            }
        }, options);

        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Urls.First());
        server = new EchoServer(app, address);
        return server;
    }

    private static async Task Delay(EchoServer server, EchoRequest request, RpcCallContext context)
    {
        if (request.DelayMs <= 0)
        {
            return;
        }

        try
        {
            await Task.Delay(request.DelayMs, context.CallCancelled).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            server.Cancelled.TrySetResult();
            throw;
        }
    }

    private static void Fail(EchoRequest request)
    {
        if (request.FailCode != 0)
        {
            throw new RpcException((RpcStatusCode)request.FailCode, $"asked to fail: {request.Text}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
