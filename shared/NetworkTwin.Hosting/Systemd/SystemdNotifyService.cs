using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NetworkTwin.Hosting.Systemd;

/// <summary>
/// Tells systemd how the service is doing: <c>READY=1</c> once every hosted service has started,
/// <c>STOPPING=1</c> when shutdown begins, and <c>WATCHDOG=1</c> at half the watchdog interval for
/// as long as no worker has failed (a failed worker stops the pings, so systemd restarts the service
/// even if the process were to hang on its way out). Does nothing outside systemd.
/// </summary>
public sealed partial class SystemdNotifyService(
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<SystemdNotifyService> logger,
    SystemdNotifier? notifier,
    TimeSpan? watchdog,
    string description) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier is null)
        {
            return;
        }

        lifetime.ApplicationStarted.Register(() =>
        {
            notifier.Notify($"READY=1\nSTATUS={description} running\nMAINPID={Environment.ProcessId}");
            Log.Ready(logger, notifier.Address, watchdog?.TotalSeconds ?? 0);
        });
        lifetime.ApplicationStopping.Register(() => notifier.Notify($"STOPPING=1\nSTATUS={description} stopping"));
        if (watchdog is not { } interval)
        {
            return;
        }

        var workers = WorkerHealth.Workers(services);
        using var timer = new PeriodicTimer(interval / 2);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (WorkerHealth.Failed(workers) is { Count: > 0 } failed)
                {
                    Log.WatchdogStopped(logger, string.Join(", ", failed));
                    return;
                }

                notifier.Notify("WATCHDOG=1");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Registers the notifier for <c>$NOTIFY_SOCKET</c> (or <paramref name="socketAddress"/>, for tests) and the service.</summary>
    public static void Add(IServiceCollection services, string description, string? socketAddress = null, TimeSpan? watchdog = null)
    {
        var notifier = socketAddress is null ? SystemdNotifier.FromEnvironment() : new SystemdNotifier(socketAddress);
        var interval = watchdog ?? SystemdNotifier.WatchdogFromEnvironment();
        services.AddHostedService(sp => new SystemdNotifyService(
            sp.GetRequiredService<IHostApplicationLifetime>(), sp, sp.GetRequiredService<ILogger<SystemdNotifyService>>(), notifier, interval, description));
    }

    public override void Dispose()
    {
        notifier?.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(9001, LogLevel.Information, "Told systemd the service is ready ({Socket}); watchdog every {Seconds} s (0: off)")]
        public static partial void Ready(ILogger logger, string socket, double seconds);

        [LoggerMessage(9002, LogLevel.Error, "Worker {Worker} has failed: no more watchdog pings, so systemd restarts the service")]
        public static partial void WatchdogStopped(ILogger logger, string worker);
    }
}
