using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NetworkTwin.Hosting;

/// <summary>The service managers a NetworkTwin service runs under, each active only when it started the process.</summary>
public static class ServiceManagers
{
    /// <summary>
    /// systemd (Type=notify with the watchdog, <see cref="Systemd.SystemdWatchdog"/>) and the Windows Service Control
    /// Manager (<c>AddWindowsService</c>: start, stop and shutdown from the SCM; the exit code of a failed worker
    /// reaches the recovery actions). Outside both, the process is an ordinary console program.
    /// </summary>
    public static void Add(IServiceCollection services, string description, string windowsServiceName)
    {
        Systemd.SystemdWatchdog.Add(services, description);
        services.AddWindowsService(o => o.ServiceName = windowsServiceName);
    }
}
