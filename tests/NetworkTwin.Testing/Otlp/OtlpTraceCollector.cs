using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkTwin.Testing.Launchers;
using NetworkTwin.Testing.Otlp.Proto;

namespace NetworkTwin.Testing.Otlp;

/// <summary>One span as a collector received it.</summary>
/// <param name="Service">service.name of the resource that exported it.</param>
/// <param name="Scope">The activity source (instrumentation scope) that made it.</param>
/// <param name="Name">The span's name.</param>
/// <param name="Kind">1 internal, 2 server, 3 client, 4 producer, 5 consumer.</param>
/// <param name="TraceId">32 hex digits.</param>
/// <param name="SpanId">16 hex digits.</param>
/// <param name="ParentSpanId">16 hex digits, or empty for a root.</param>
/// <param name="Attributes">Its attributes as invariant strings.</param>
/// <param name="Links">The spans it links to, as (trace id, span id).</param>
public sealed record CollectedSpan(
    string Service,
    string Scope,
    string Name,
    int Kind,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links);

/// <summary>
/// An OTLP/gRPC trace receiver on loopback (h2c), standing in for the OpenTelemetry Collector an operator runs: the
/// services under test export to <see cref="Endpoint"/> exactly as they would in production, and the test reads
/// what arrived.
/// </summary>
public sealed class OtlpTraceCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();
    private WebApplication? _app;

    private OtlpTraceCollector(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>Where to point Telemetry:OtlpEndpoint.</summary>
    public Uri Endpoint { get; }

    /// <summary>Every span received so far.</summary>
    public IReadOnlyList<CollectedSpan> Spans => [.. _spans];

    public static async Task<OtlpTraceCollector> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 << 20);
        var collector = new OtlpTraceCollector(port);
        builder.Services.AddSingleton(collector);
        var app = builder.Build();
        app.MapGrpcService<Receiver>();
        await app.StartAsync().ConfigureAwait(false);
        collector._app = app;
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Add(ExportTraceServiceRequest request)
    {
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? string.Empty;
            foreach (var scope in resource.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    _spans.Enqueue(new CollectedSpan(
                        service,
                        scope.Scope?.Name ?? string.Empty,
                        span.Name,
                        span.Kind,
                        Convert.ToHexStringLower(span.TraceId.Span),
                        Convert.ToHexStringLower(span.SpanId.Span),
                        Convert.ToHexStringLower(span.ParentSpanId.Span),
                        span.Attributes.ToDictionary(a => a.Key, a => Text(a.Value), StringComparer.Ordinal),
                        [.. span.Links.Select(l => (Convert.ToHexStringLower(l.TraceId.Span), Convert.ToHexStringLower(l.SpanId.Span)))]));
                }
            }
        }
    }

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        _ => string.Empty,
    };

    private sealed class Receiver : TraceService.TraceServiceBase
    {
        private readonly OtlpTraceCollector _collector;

        public Receiver(OtlpTraceCollector collector) => _collector = collector;

        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            _collector.Add(request);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}
