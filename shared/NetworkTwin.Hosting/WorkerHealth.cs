using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetworkTwin.Hosting.Metrics;

/// <summary>Liveness: the names of background workers that have failed (none: healthy).</summary>
public static class WorkerHealth
{
    public static IReadOnlyList<string> Failed(IServiceProvider services) =>
        [.. services.GetServices<IHostedService>().OfType<BackgroundService>().Where(w => w.ExecuteTask is { IsFaulted: true }).Select(w => w.GetType().Name)];
}
