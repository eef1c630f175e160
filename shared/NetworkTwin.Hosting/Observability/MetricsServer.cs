using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace NetworkTwin.Hosting.Observability;

/// <summary>
/// Serves <c>/metrics</c> (the host's OpenTelemetry meters in Prometheus text), <c>/healthz</c> (no background worker has failed) and
/// <c>/readyz</c> (the service says it can do its job) over HTTP/1.1 on its own port, loopback by
/// default. If the port is taken, that is logged and the service runs on without the endpoint:
/// metrics never take the service itself down.
/// </summary>
public abstract partial class MetricsServer(string address, int port, IServiceProvider services, ILogger logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where the endpoint listens once started (null: off, or the port was taken).</summary>
    public Uri? Address { get; private set; }

    /// <summary>Why the service is not ready, or null when it is.</summary>
    protected abstract string? NotReady();

    /// <summary>More endpoints on the same loopback HTTP/1.1 server (the coordinator's dashboard).</summary>
    protected virtual void MapMore(WebApplication app)
    {
    }

    /// <summary>Binds before the host reports itself started, so /healthz answers as soon as systemd hears READY=1.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (port == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(address), port, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        // The host's OpenTelemetry meters, in the Prometheus text format, by OpenTelemetry's own exporter.
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: services.GetRequiredService<MeterProvider>(),
            predicate: context => context.Request.Path == "/metrics",
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        app.MapGet("/healthz", () => WorkerHealth.Failed(services) is { Count: > 0 } failed
            ? Results.Text($"failed: {string.Join(", ", failed)}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));
        app.MapGet("/readyz", () => NotReady() is { } why
            ? Results.Text($"not ready: {why}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ready\n"));
        MapMore(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            // Kestrel reports a port in use at bind as an IOException, but one taken between its bind and listen as
            // the socket's own exception: either way the service runs on without its metrics page.
            Log.CannotListen(logger, address, port, ex.Message);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        Address = new Uri(app.Urls.First());
        Log.Listening(logger, Address.ToString());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    private static partial class Log
    {
        [LoggerMessage(9101, LogLevel.Information, "Metrics and health on {Address} (/metrics, /healthz, /readyz)")]
        public static partial void Listening(ILogger logger, string address);

        [LoggerMessage(9102, LogLevel.Error, "Cannot serve metrics on {Address}:{Port}: {Reason}. The service runs on without /metrics; set the Metrics:Port setting to a free port (0 turns it off)")]
        public static partial void CannotListen(ILogger logger, string address, int port, string reason);
    }
}
