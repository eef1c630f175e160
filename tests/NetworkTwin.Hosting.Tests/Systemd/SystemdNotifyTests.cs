using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using NetworkTwin.Hosting.Systemd;

namespace NetworkTwin.Hosting.Tests.Systemd;

/// <summary>
/// The notify protocol against a datagram socket the test listens on, as systemd would: the library's
/// notifier and lifetime (what <c>AddSystemd</c> registers when systemd started the process) and the
/// project's watchdog on top.
/// </summary>
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
        SystemdWatchdog.Add(builder.Services, "test service", TimeSpan.FromMilliseconds(100));

        // What AddSystemd registers when systemd is the parent process; the library's notifier reads $NOTIFY_SOCKET.
        builder.Services.AddSingleton<ISystemdNotifier>(Notifier(socket));
        builder.Services.AddSingleton<IHostLifetime, SystemdLifetime>();
        return builder.Build();
    }

    /// <summary>The library's notifier for a socket, as systemd hands it over (the variable is read once, at construction).</summary>
    private static SystemdNotifier Notifier(string socket)
    {
        lock (EnvironmentGate)
        {
            var before = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", socket);
            try
            {
                return new SystemdNotifier();
            }
            finally
            {
                Environment.SetEnvironmentVariable("NOTIFY_SOCKET", before);
            }
        }
    }

    private static readonly object EnvironmentGate = new();

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
        // Until five pings (every 50 ms), however slowly a loaded machine gets there, then until STOPPING after the stop.
        var running = await ReceiveUntil(socket, m => m.Count(x => x == "WATCHDOG=1") >= 5, TimeSpan.FromSeconds(10));
        await host.StopAsync();
        var stopping = await ReceiveUntil(socket, m => m.Contains("STOPPING=1"), TimeSpan.FromSeconds(10));

        // READY=1 (the library's) and the status line (the watchdog's) both go out when the host has started, in either order.
        Assert.Contains("READY=1", running);
        Assert.Contains("STATUS=test service running", running);
        Assert.True(running.Count(m => m == "WATCHDOG=1") >= 5, $"watchdog pings every 50 ms: only {running.Count(m => m == "WATCHDOG=1")} in 10 s");
        Assert.Contains("STOPPING=1", stopping);
    }

    /// <summary>Messages until <paramref name="enough"/> holds or the time is up (then whatever came).</summary>
    private static async Task<List<string>> ReceiveUntil(Socket socket, Func<List<string>, bool> enough, TimeSpan atMost)
    {
        var messages = new List<string>();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(atMost);
        try
        {
            while (!enough(messages))
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return messages;
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
        var notifier = Notifier("@" + name);

        notifier.Notify(ServiceState.Ready);
        var buffer = new byte[64];
        var n = socket.Receive(buffer);

        Assert.True(notifier.IsEnabled);
        Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task OutsideSystemd_TheWatchdogDoesNothing_AndTheHostRuns()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        SystemdWatchdog.Add(builder.Services, "test service", TimeSpan.FromMilliseconds(100));
        using var host = builder.Build();

        await host.StartAsync();
        var watchdog = host.Services.GetServices<IHostedService>().OfType<SystemdWatchdog>().Single();
        await watchdog.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));
        await host.StopAsync();

        // The test runner's parent is not systemd: AddSystemd registered no notifier, so nothing was sent.
        Assert.Null(host.Services.GetService<ISystemdNotifier>());
        Assert.True(watchdog.ExecuteTask.IsCompletedSuccessfully);
    }
}
