using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts.Diagnostics;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Legacy;
using NetworkTwin.Testing.Legacy.Client;
using NetworkTwin.Testing.Legacy.Server;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// <c>networktwin-lab bench rpc</c>: unary calls per second and latency, in one run, of three pairs on
/// loopback (cleartext HTTP/2): grpc-dotnet (Grpc.Net.Client against Grpc.AspNetCore on Kestrel, what
/// the product runs), the previous release's own gRPC layer (kept in the test-support project as the
/// baseline), and a grpc-js client against a grpc-js server.
/// </summary>
public static class RpcBench
{
    private static readonly RpcMethod<PingRequest, PingReply> LegacyPing = new("networktwin.diagnostics.Diagnostics", "Ping", RpcMethodType.Unary);

    public static Command Create(IAnsiConsole console)
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of each measured run.", DefaultValueFactory = _ => 5 };
        var inflight = new Option<int>("--inflight") { Description = "Calls in flight for the parallel run.", DefaultValueFactory = _ => 32 };
        var command = new Command("rpc", "Unary gRPC calls/s and p50/p99 of the project's pair next to a grpc-js pair.") { seconds, inflight };
        command.SetAction(async (parse, ct) =>
        {
            var duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 120));
            var parallel = Math.Clamp(parse.GetValue(inflight), 1, 1024);
            var request = new PingRequest { Payload = ByteString.CopyFrom(new byte[64]) };

            console.MarkupLine("grpc-dotnet client -> grpc-dotnet server...");
            Figures new1, newN;
            await using (var app = await StartServerAsync(app => app.MapGrpcService<PingService>(), services => services.AddGrpc(), ct).ConfigureAwait(false))
            {
                using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = new Uri(app.Urls.First()) });
                var client = new Diagnostics.DiagnosticsClient(channel);
                Task Call(CancellationToken token) => client.PingAsync(request, cancellationToken: token).ResponseAsync;
                await RunAsync(Call, 1, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                new1 = await RunAsync(Call, 1, duration, ct).ConfigureAwait(false);
                newN = await RunAsync(Call, parallel, duration, ct).ConfigureAwait(false);
            }

            console.MarkupLine("previous release's client -> its server...");
            Figures old1, oldN;
            await using (var app = await StartServerAsync(app => app.MapUnary(LegacyPing, (r, _) => Task.FromResult(Pong(r))), _ => { }, ct).ConfigureAwait(false))
            {
                using var channel = new RpcChannel(new Uri(app.Urls.First()));
                Task Call(CancellationToken token) => channel.UnaryAsync(LegacyPing, request, new RpcCallOptions { CancellationToken = token });
                await RunAsync(Call, 1, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                old1 = await RunAsync(Call, 1, duration, ct).ConfigureAwait(false);
                oldN = await RunAsync(Call, parallel, duration, ct).ConfigureAwait(false);
            }

            console.MarkupLine("grpc-js client -> grpc-js server...");
            var js = await GrpcJsAsync(console, duration, parallel, ct).ConfigureAwait(false);

            var table = new Table().Border(TableBorder.Rounded).AddColumns("pair", "in flight", "calls/s", "p50", "p99");
            void Row(string pair, int n, Figures f) => table.AddRow(pair, Invariant($"{n}"), Invariant($"{f.PerSecond:N0}"), Invariant($"{f.P50:0.000} ms"), Invariant($"{f.P99:0.000} ms"));
            Row("grpc-dotnet (product)", 1, new1);
            Row("grpc-dotnet (product)", parallel, newN);
            Row("previous own layer", 1, old1);
            Row("previous own layer", parallel, oldN);
            if (js is { } j)
            {
                Row("grpc-js pair", 1, j.Sequential);
                Row("grpc-js pair", parallel, j.Parallel);
            }

            console.Write(table);
            console.MarkupLine(Invariant($"grpc-dotnet / previous layer: {new1.PerSecond / old1.PerSecond:0.00}x sequential, {newN.PerSecond / oldN.PerSecond:0.00}x with {parallel} in flight (target >= 0.9x)"));
            if (js is { } k)
            {
                console.MarkupLine(Invariant($"grpc-dotnet / grpc-js: {new1.PerSecond / k.Sequential.PerSecond:0.00}x sequential, {newN.PerSecond / k.Parallel.PerSecond:0.00}x with {parallel} in flight (target >= 1.5x)"));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private static PingReply Pong(PingRequest request) => new() { Payload = request.Payload, ServerTimeUnixNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 };

    /// <summary>Kestrel on a free loopback port, cleartext HTTP/2 only, no request logging (it would measure the console).</summary>
    private static async Task<WebApplication> StartServerAsync(Action<WebApplication> map, Action<IServiceCollection> services, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(ct).ConfigureAwait(false);
        return app;
    }

    /// <summary>The same Ping the coordinator serves, without its dependencies.</summary>
    private sealed class PingService : Diagnostics.DiagnosticsBase
    {
        public override Task<PingReply> Ping(PingRequest request, Grpc.Core.ServerCallContext context) => Task.FromResult(Pong(request));
    }

    private sealed record Figures(double PerSecond, double P50, double P99);

    private sealed record JsFigures(Figures Sequential, Figures Parallel);

    private static async Task<Figures> RunAsync(Func<CancellationToken, Task> call, int parallel, TimeSpan duration, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var all = new List<double>[parallel];
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async w =>
        {
            var mine = all[w] = new List<double>(100_000);
            while (clock.Elapsed < duration)
            {
                var t0 = Stopwatch.GetTimestamp();
                await call(ct).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        })).ConfigureAwait(false);
        var latencies = all.SelectMany(l => l).Order().ToArray();
        return new Figures(latencies.Length / clock.Elapsed.TotalSeconds, latencies[latencies.Length / 2], latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))]);
    }

    private static async Task<JsFigures?> GrpcJsAsync(IAnsiConsole console, TimeSpan duration, int parallel, CancellationToken ct)
    {
        var proto = Path.Combine(SourceTree.Root() ?? ".", "shared", "NetworkTwin.Contracts", "Protos", "diagnostics.proto");
        using var doc = await NodeReference.RunAsync(
            console,
            "grpc-js pair",
            "grpcjs",
            Path.Combine("@grpc", "grpc-js"),
            "npm ci",
            "pair.js",
            [proto, duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), parallel.ToString(CultureInfo.InvariantCulture)],
            ct).ConfigureAwait(false);
        if (doc is null)
        {
            return null;
        }

        Figures Read(string name)
        {
            var e = doc.RootElement.GetProperty(name);
            return new Figures(e.GetProperty("perSecond").GetDouble(), e.GetProperty("p50").GetDouble(), e.GetProperty("p99").GetDouble());
        }

        return new JsFigures(Read("sequential"), Read("parallel"));
    }
}
