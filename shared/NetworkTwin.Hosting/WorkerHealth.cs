using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetworkTwin.Hosting;

/// <summary>
/// Which background workers have failed: the one test behind /healthz, the systemd watchdog and
/// the exit code a service manager acts on.
/// </summary>
public static class WorkerHealth
{
    /// <summary>The host's background workers (take them before the host is disposed).</summary>
    public static IReadOnlyList<BackgroundService> Workers(IServiceProvider services) =>
        [.. services.GetServices<IHostedService>().OfType<BackgroundService>()];

    /// <summary>The names of the workers that have failed (none: healthy).</summary>
    public static IReadOnlyList<string> Failed(IEnumerable<BackgroundService> workers) =>
        [.. workers.Where(w => w.ExecuteTask is { IsFaulted: true }).Select(w => w.GetType().Name)];

    public static IReadOnlyList<string> Failed(IServiceProvider services) => Failed(Workers(services));
}
