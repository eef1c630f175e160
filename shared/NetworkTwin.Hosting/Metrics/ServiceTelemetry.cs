using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace NetworkTwin.Hosting.Metrics;

/// <summary>
/// OpenTelemetry for a service: its own meters, the .NET runtime's and the process's instruments, read by the
/// Prometheus exporter behind <c>/metrics</c> (<see cref="MetricsServer"/>) and, when <c>Telemetry:OtlpEndpoint</c>
/// is set (for example http://collector:4317), pushed over OTLP as well.
/// </summary>
public static class ServiceTelemetry
{
    /// <summary>The meter of what both services report (log events dropped).</summary>
    public const string SharedMeterName = "NetworkTwin.Hosting";

    private static readonly Meter Shared = new(SharedMeterName);


    static ServiceTelemetry() =>
        Shared.CreateObservableCounter("networktwin_log_events_dropped", () => ServiceLogging.DroppedEvents, "{event}", "Log events dropped because the log file buffer was full.");

    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Read for Telemetry:OtlpEndpoint.</param>
    /// <param name="serviceName">service.name of the resource, such as networktwin-agent.</param>
    /// <param name="meters">The service's own meters.</param>
    public static void Add(IServiceCollection services, IConfiguration configuration, string serviceName, params string[] meters)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var otlp = configuration["Telemetry:OtlpEndpoint"];
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
            .WithMetrics(m =>
            {
                m.AddMeter(SharedMeterName)
                    .AddMeter(meters)
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation()
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });
    }
}
