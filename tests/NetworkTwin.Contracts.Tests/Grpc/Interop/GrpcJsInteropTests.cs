using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using NetworkTwin.Contracts.Tests.Grpc.Echo;
using NetworkTwin.Hosting.Grpc;
using NetworkTwin.Testing;

namespace NetworkTwin.Contracts.Tests.Grpc.Interop;

/// <summary>
/// Interoperability with a real gRPC peer, @grpc/grpc-js (npm, installed by ./build.sh test into
/// tests/NetworkTwin.Contracts.Tests/Grpc/Interop): its client against the product's grpc-dotnet server,
/// the product's grpc-dotnet client against its server.
/// </summary>
public sealed class GrpcJsInteropTests
{
    private static string InteropFolder()
    {
        var root = SourceTree.Root();
        Assert.NotNull(root);
        var folder = Path.Combine(root, "tests", "NetworkTwin.Contracts.Tests", "Grpc", "Interop");
        Assert.True(
            Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")),
            $"grpc-js is not installed: run npm ci --prefix {folder} (./build.sh test does).");
        return folder;
    }

    private static Process Node(string folder, params string[] args)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("cannot start node");
    }

    [Fact]
    public async Task GrpcJsClient_AgainstOurServer_EveryCallShapeErrorDeadlineAndCancel()
    {
        var folder = InteropFolder();
        await using var server = await EchoServer.StartAsync();
        using var node = Node(folder, "client.js", $"{server.Address.Host}:{server.Address.Port}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var output = await node.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = await node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, error);
        using var doc = JsonDocument.Parse(output);
        var r = doc.RootElement;

        Assert.Equal("hello", r.GetProperty("unary").GetString());
        Assert.Equal("site-7", r.GetProperty("trailer")[0].GetString());
        Assert.Equal(5000, r.GetProperty("gzip").GetInt32());
        Assert.Equal(Enumerable.Range(0, 20), r.GetProperty("serverStream").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(("a+b+c", 3), (r.GetProperty("clientStream").GetProperty("text").GetString(), r.GetProperty("clientStream").GetProperty("index").GetInt32()));
        Assert.Equal(["FIRST", "SECOND"], r.GetProperty("duplex").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5, r.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("asked to fail: ümlaut 100%", r.GetProperty("error").GetProperty("details").GetString());
        Assert.Equal((int)StatusCode.DeadlineExceeded, r.GetProperty("deadline").GetInt32());
        Assert.Equal((int)StatusCode.Cancelled, r.GetProperty("cancel").GetProperty("code").GetInt32());
        Assert.Equal((int)StatusCode.Unimplemented, r.GetProperty("missing").GetInt32());
        await server.Events.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task OurClient_AgainstGrpcJsServer_EveryCallShapeErrorDeadlineAndCancel()
    {
        var folder = InteropFolder();
        using var node = Node(folder, "server.js");
        try
        {
            var lines = new System.Collections.Concurrent.BlockingCollection<string>();
            _ = Task.Run(async () =>
            {
                while (await node.StandardOutput.ReadLineAsync() is { } line)
                {
                    lines.Add(line);
                }
            });
            Assert.True(lines.TryTake(out var first, TimeSpan.FromSeconds(30)), "grpc-js server did not start");
            var port = int.Parse(first!.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            using var channel = CoordinatorChannel.Create(new CoordinatorChannelSettings { Address = new Uri($"http://127.0.0.1:{port}") });
            var echo = new Echo.Echo.EchoClient(channel);

            await EchoTour.RunAsync(echo);
            using var cts = new CancellationTokenSource();
            var got = 0;
            using var cancelledCall = echo.ServerStream(new EchoRequest { Text = "x", Repeat = 1000, DelayMs = 50 }, cancellationToken: cts.Token);
            var cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var _ in cancelledCall.ResponseStream.ReadAllAsync())
                {
                    if (++got == 3)
                    {
                        await cts.CancelAsync();
                    }
                }
            });
            var serverSaw = new List<string>();
            var clock = Stopwatch.StartNew();
            while (!serverSaw.Contains("CANCELLED ServerStream") && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                if (lines.TryTake(out var line, TimeSpan.FromMilliseconds(100)))
                {
                    serverSaw.Add(line);
                }
            }

            Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
            Assert.Contains("CANCELLED ServerStream", serverSaw);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }
}
