using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Hosting.Systemd;

/// <summary>
/// systemd's watchdog, which Microsoft.Extensions.Hosting.Systemd does not ping: <c>WATCHDOG=1</c> at half
/// of <c>WATCHDOG_USEC</c> through the library's <see cref="ISystemdNotifier"/>, for as long as no worker
/// has failed (a failed worker stops the pings, so systemd restarts the service even if the process were to
/// hang on its way out), with the service's status line. READY=1 and STOPPING=1 are the library's
/// (<see cref="SystemdLifetime"/>). Does nothing outside systemd.
/// </summary>
public sealed partial class SystemdWatchdog(
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<SystemdWatchdog> logger,
    TimeSpan? interval,
    string description) : BackgroundService
{
    private static readonly ServiceState Ping = new("WATCHDOG=1");

    /// <summary>
    /// The service under systemd (<c>AddSystemd</c>: Type=notify READY/STOPPING, journald-friendly console) and
    /// the watchdog for <c>$WATCHDOG_USEC</c> (or <paramref name="watchdog"/>, for tests).
    /// </summary>
    public static void Add(IServiceCollection services, string description, TimeSpan? watchdog = null)
    {
        services.AddSystemd();
        var interval = watchdog ?? FromEnvironment();
        services.AddHostedService(sp => new SystemdWatchdog(
            sp.GetRequiredService<IHostApplicationLifetime>(), sp, sp.GetRequiredService<ILogger<SystemdWatchdog>>(), interval, description));
    }

    /// <summary>
    /// The watchdog interval systemd expects pings within (<c>$WATCHDOG_USEC</c>), or null when the
    /// watchdog is off or meant for another process (<c>$WATCHDOG_PID</c>).
    /// </summary>
    public static TimeSpan? FromEnvironment()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var usec) || usec <= 0)
        {
            return null;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        return string.IsNullOrEmpty(pid) || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) ? TimeSpan.FromMicroseconds(usec) : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var notifier = services.GetService<ISystemdNotifier>();
        if (notifier is not { IsEnabled: true })
        {
            return;
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            notifier.Notify(new ServiceState($"STATUS={description} running"));
            Log.Ready(logger, interval?.TotalSeconds ?? 0);
        });
        if (interval is not { } every)
        {
            return;
        }

        var workers = WorkerHealth.Workers(services);
        using var timer = new PeriodicTimer(every / 2);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (WorkerHealth.Failed(workers) is { Count: > 0 } failed)
                {
                    Log.WatchdogStopped(logger, string.Join(", ", failed));
                    return;
                }

                notifier.Notify(Ping);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(9001, LogLevel.Information, "Running under systemd; watchdog every {Seconds} s (0: off)")]
        public static partial void Ready(ILogger logger, double seconds);

        [LoggerMessage(9002, LogLevel.Error, "Worker {Worker} has failed: no more watchdog pings, so systemd restarts the service")]
        public static partial void WatchdogStopped(ILogger logger, string worker);
    }
}
