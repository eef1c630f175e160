using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using NetworkTwin.Console.Cli;
using NetworkTwin.Contracts;
using NetworkTwin.Contracts.Diagnostics;
using NetworkTwin.Rpc;
using NetworkTwin.Rpc.Client;
using NetworkTwin.Rpc.Server;
using Spectre.Console;
using static System.FormattableString;

namespace NetworkTwin.Console.Bench;

/// <summary>
/// <c>networktwin bench rpc</c>: unary calls per second and latency of the project's gRPC client
/// against its server (Kestrel, cleartext HTTP/2 on loopback), next to a grpc-js client against a
/// grpc-js server in the same run.
/// </summary>
public static class RpcBench
{
    private static readonly RpcMethod<PingRequest, PingReply> Ping = new("networktwin.diagnostics.Diagnostics", "Ping", RpcMethodType.Unary);

    public static Command Create(IAnsiConsole console)
    {
        var seconds = new Option<double>("--seconds") { Description = "Length of each measured run.", DefaultValueFactory = _ => 5 };
        var inflight = new Option<int>("--inflight") { Description = "Calls in flight for the parallel run.", DefaultValueFactory = _ => 32 };
        var command = new Command("rpc", "Unary gRPC calls/s and p50/p99 of the project's pair next to a grpc-js pair.") { seconds, inflight };
        command.SetAction(async (parse, ct) =>
        {
            var duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 120));
            var parallel = Math.Clamp(parse.GetValue(inflight), 1, 1024);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            await using var app = builder.Build();
            app.MapUnary(Ping, (request, _) => Task.FromResult(new PingReply { Payload = request.Payload, ServerTimeUnixNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 }));
            await app.StartAsync(ct).ConfigureAwait(false);
            using var channel = new RpcChannel(new Uri(app.Urls.First()));

            console.MarkupLine("project client -> project server...");
            await RunAsync(channel, 1, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            var ours1 = await RunAsync(channel, 1, duration, ct).ConfigureAwait(false);
            var oursN = await RunAsync(channel, parallel, duration, ct).ConfigureAwait(false);
            await app.StopAsync(ct).ConfigureAwait(false);

            console.MarkupLine("grpc-js client -> grpc-js server...");
            var js = await GrpcJsAsync(console, duration, parallel, ct).ConfigureAwait(false);

            var table = new Table().Border(TableBorder.Rounded).AddColumns("pair", "in flight", "calls/s", "p50", "p99");
            table.AddRow("project client -> project server", "1", Invariant($"{ours1.PerSecond:N0}"), Invariant($"{ours1.P50:0.000} ms"), Invariant($"{ours1.P99:0.000} ms"));
            table.AddRow("project client -> project server", Invariant($"{parallel}"), Invariant($"{oursN.PerSecond:N0}"), Invariant($"{oursN.P50:0.000} ms"), Invariant($"{oursN.P99:0.000} ms"));
            if (js is { } j)
            {
                table.AddRow("grpc-js client -> grpc-js server", "1", Invariant($"{j.Sequential.PerSecond:N0}"), Invariant($"{j.Sequential.P50:0.000} ms"), Invariant($"{j.Sequential.P99:0.000} ms"));
                table.AddRow("grpc-js client -> grpc-js server", Invariant($"{parallel}"), Invariant($"{j.Parallel.PerSecond:N0}"), Invariant($"{j.Parallel.P50:0.000} ms"), Invariant($"{j.Parallel.P99:0.000} ms"));
            }

            console.Write(table);
            if (js is { } k)
            {
                console.MarkupLine(Invariant($"ratio (project / grpc-js): {ours1.PerSecond / k.Sequential.PerSecond:0.0}x sequential, {oursN.PerSecond / k.Parallel.PerSecond:0.0}x with {parallel} in flight (target >= 1.5x)"));
            }

            return CliApp.ExitOk;
        });
        return command;
    }

    private sealed record Figures(double PerSecond, double P50, double P99);

    private sealed record JsFigures(Figures Sequential, Figures Parallel);

    private static async Task<Figures> RunAsync(RpcChannel channel, int parallel, TimeSpan duration, CancellationToken ct)
    {
        var request = new PingRequest { Payload = ByteString.CopyFrom(new byte[64]) };
        var clock = Stopwatch.StartNew();
        var all = new List<double>[parallel];
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async w =>
        {
            var mine = all[w] = new List<double>(100_000);
            while (clock.Elapsed < duration)
            {
                var t0 = Stopwatch.GetTimestamp();
                await channel.UnaryAsync(Ping, request, new RpcCallOptions { CancellationToken = ct }).ConfigureAwait(false);
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
