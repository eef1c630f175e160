using System.Diagnostics;
using System.Text.Json;
using NetworkTwin.Rpc.Client;
using NetworkTwin.Rpc.Tests.Echo;

namespace NetworkTwin.Rpc.Tests.Interop;

/// <summary>
/// Interoperability with a real gRPC peer, @grpc/grpc-js (npm, installed by ./build.sh test into
/// tests/NetworkTwin.Rpc.Tests/Interop): its client against our server, our client against its server.
/// </summary>
public sealed class GrpcJsInteropTests
{
    private static string InteropFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetworkTwin.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var folder = Path.Combine(dir.FullName, "tests", "NetworkTwin.Rpc.Tests", "Interop");
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
        Assert.Equal((int)RpcStatusCode.DeadlineExceeded, r.GetProperty("deadline").GetInt32());
        Assert.Equal((int)RpcStatusCode.Cancelled, r.GetProperty("cancel").GetProperty("code").GetInt32());
        Assert.Equal((int)RpcStatusCode.Unimplemented, r.GetProperty("missing").GetInt32());
        await server.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
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
            using var channel = new RpcChannel(new Uri($"http://127.0.0.1:{port}"));

            var unary = await channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "hello" }, new RpcCallOptions { GzipRequests = true });
            var stream = new List<int>();
            await foreach (var m in channel.ServerStreamingAsync(EchoServer.ServerStream, new EchoRequest { Text = "t", Repeat = 20 }))
            {
                stream.Add(m.Index);
            }

            var client = await channel.ClientStreamingAsync(EchoServer.ClientStream, Requests("a", "b", "c"));
            var duplex = channel.Duplex(EchoServer.Duplex);
            var reader = duplex.Responses.GetAsyncEnumerator();
            await duplex.Requests.WriteAsync(new EchoRequest { Text = "first" });
            Assert.True(await reader.MoveNextAsync());
            var firstReply = reader.Current.Text;
            duplex.Requests.Complete();
            Assert.False(await reader.MoveNextAsync());
            await reader.DisposeAsync();

            var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "ümlaut 100%", FailCode = 5 }));
            var deadline = await Assert.ThrowsAsync<RpcException>(() =>
                channel.UnaryAsync(EchoServer.Unary, new EchoRequest { Text = "slow", DelayMs = 10_000 }, new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));
            using var cts = new CancellationTokenSource();
            var got = 0;
            var cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var _ in channel.ServerStreamingAsync(EchoServer.ServerStream, new EchoRequest { Text = "x", Repeat = 1000, DelayMs = 50 }, new RpcCallOptions { CancellationToken = cts.Token }))
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

            Assert.Equal("hello", unary.Text);
            Assert.Equal(Enumerable.Range(0, 20), stream);
            Assert.Equal(("a+b+c", 3), (client.Text, client.Index));
            Assert.Equal("FIRST", firstReply);
            Assert.Equal((RpcStatusCode.NotFound, "asked to fail: ümlaut 100%"), (error.StatusCode, error.Detail));
            Assert.Equal(RpcStatusCode.DeadlineExceeded, deadline.StatusCode);
            Assert.Equal(RpcStatusCode.Cancelled, cancelled.StatusCode);
            Assert.Contains("CANCELLED ServerStream", serverSaw);
        }
        finally
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
        }
    }

    private static async IAsyncEnumerable<EchoRequest> Requests(params string[] texts)
    {
        foreach (var t in texts)
        {
            await Task.Yield();
            yield return new EchoRequest { Text = t };
        }
    }
}
