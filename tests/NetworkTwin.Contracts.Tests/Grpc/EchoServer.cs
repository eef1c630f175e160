using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkTwin.Contracts.Tests.Grpc.Echo;

namespace NetworkTwin.Contracts.Tests.Grpc;

/// <summary>A real Kestrel server on 127.0.0.1, port 0, cleartext HTTP/2, serving the echo service through grpc-dotnet.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoServer(WebApplication app, Uri address, Probe probe)
    {
        _app = app;
        Address = address;
        Events = probe;
    }

    public Uri Address { get; }

    public Probe Events { get; }

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var probe = new Probe();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(probe);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(probe);
        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http).ConfigureAwait(false);
            }
            finally
            {
                probe.Ended();
            }
        });
        app.MapGrpcService<Service>();
        await app.StartAsync().ConfigureAwait(false);
        return new EchoServer(app, new Uri(app.Urls.First()), probe);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>What the server saw: cancelled handlers, ended calls, and the exceptions grpc-dotnet logged for the operator.</summary>
    internal sealed class Probe : ILoggerProvider, ILogger
    {
        /// <summary>Set when a handler saw its call cancelled (client cancel or deadline).</summary>
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _callsEnded;

        /// <summary>Calls the server is done with, whether the handler ran or the stream was reset before it started.</summary>
        public int CallsEnded => Volatile.Read(ref _callsEnded);

        public void Ended() => Interlocked.Increment(ref _callsEnded);

        public ConcurrentQueue<Exception> HandlerErrors { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error && exception is not null)
            {
                HandlerErrors.Enqueue(exception);
            }
        }

        public void Dispose()
        {
        }
    }

    private sealed class Service(Probe probe) : Echo.Echo.EchoBase
    {
        public override async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
        {
            await DelayAsync(request, context).ConfigureAwait(false);
            if (request.Text == "bug")
            {
                throw new InvalidOperationException("a handler bug with a secret path /etc/secret");
            }

            Fail(request);
            if (context.RequestHeaders.GetValue("x-tenant") is { } tenant)
            {
                context.ResponseTrailers.Add("x-tenant-seen", tenant);
            }

            return new EchoReply { Text = request.Text };
        }

        public override async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
        {
            for (var i = 0; i < request.Repeat; i++)
            {
                await responseStream.WriteAsync(new EchoReply { Text = request.Text, Index = i }, context.CancellationToken).ConfigureAwait(false);
                await DelayAsync(request, context).ConfigureAwait(false);
            }

            Fail(request);
        }

        public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
        {
            var texts = new List<string>();
            await foreach (var r in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                texts.Add(r.Text);
            }

            return new EchoReply { Text = string.Join("+", texts), Index = texts.Count };
        }

        public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
        {
            var i = 0;
            await foreach (var r in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(new EchoReply { Text = r.Text.ToUpperInvariant(), Index = i++ }, context.CancellationToken).ConfigureAwait(false);
            }
        }

        private async Task DelayAsync(EchoRequest request, ServerCallContext context)
        {
            if (request.DelayMs <= 0)
            {
                return;
            }

            try
            {
                await Task.Delay(request.DelayMs, context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                probe.Cancelled.TrySetResult();
                throw;
            }
        }

        private static void Fail(EchoRequest request)
        {
            if (request.FailCode != 0)
            {
                throw new RpcException(new global::Grpc.Core.Status((StatusCode)request.FailCode, $"asked to fail: {request.Text}"));
            }
        }
    }
}
