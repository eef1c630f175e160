using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Hosting.Systemd;

namespace NetworkTwin.Hosting.Tests.Systemd;

/// <summary>The notify protocol against a datagram socket the test listens on, as systemd would.</summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Worker(bool fail) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(fail ? 300 : Timeout.Infinite, stoppingToken);
            throw new InvalidOperationException("the worker broke");
        }
    }

    private static IHost Host(string socket, bool failingWorker, bool keepRunningAfterFailure = false)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (keepRunningAfterFailure)
        {
            builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        }

        builder.Services.AddHostedService(_ => new Worker(failingWorker));
        SystemdNotifyService.Add(builder.Services, "test service", socket, TimeSpan.FromMilliseconds(100));
        return builder.Build();
    }

    private static async Task<List<string>> Receive(Socket socket, TimeSpan during)
    {
        var messages = new List<string>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(during);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
            return messages;
        }
    }

    private Socket Listen(string name, out string address)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var path = Path.Combine(_dir, name);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        address = path;
        return socket;
    }

    [Fact]
    public async Task Service_SendsReadyThenWatchdogPingsThenStopping()
    {
        using var socket = Listen("notify", out var address);
        using var host = Host(address, failingWorker: false);

        await host.StartAsync();
        var running = await Receive(socket, TimeSpan.FromSeconds(1));
        await host.StopAsync();
        var stopping = await Receive(socket, TimeSpan.FromMilliseconds(300));

        Assert.StartsWith("READY=1\nSTATUS=test service running\nMAINPID=", running[0], StringComparison.Ordinal);
        Assert.True(running.Count(m => m == "WATCHDOG=1") >= 5, $"watchdog pings every 50 ms: {running.Count(m => m == "WATCHDOG=1")} in 1 s");
        Assert.Contains("STOPPING=1\nSTATUS=test service stopping", stopping);
    }

    [Fact]
    public async Task FailedWorker_StopsTheWatchdogPings_EvenIfTheProcessHangsOn()
    {
        using var socket = Listen("notify", out var address);
        using var host = Host(address, failingWorker: true, keepRunningAfterFailure: true);

        await host.StartAsync();
        var messages = await Receive(socket, TimeSpan.FromSeconds(1.5));
        await host.StopAsync();

        // The worker fails after 300 ms: about 6 pings, then none for the remaining 1.2 s (a healthy host sends
        // 30: see the test above). A loaded machine may start the host late enough that none comes before the
        // failure, so 0 is fine; what must not happen is pings that go on.
        var pings = messages.Count(m => m == "WATCHDOG=1");
        Assert.InRange(pings, 0, 10);
    }

    [Fact]
    public async Task FailedWorker_StopsTheHost_AndTheExitCodeSaysSo()
    {
        using var socket = Listen("notify", out var address);
        using var host = Host(address, failingWorker: true);

        var exit = await ServiceExit.RunAsync(host);

        Assert.Equal(ServiceExit.WorkerFailed, exit);
    }

    [Fact]
    public void Notifier_AbstractSocketName_IsReached()
    {
        var name = $"nt-test-{Guid.NewGuid():N}";
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var notifier = new SystemdNotifier("@" + name);

        Assert.True(notifier.Notify("READY=1"));
        var buffer = new byte[64];
        var n = socket.Receive(buffer);
        Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, n));
    }
}
