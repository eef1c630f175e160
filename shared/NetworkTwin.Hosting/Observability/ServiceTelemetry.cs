using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NetworkTwin.Hosting.Observability;

/// <summary>
/// OpenTelemetry for a service: its own meters, the .NET runtime's and the process's instruments, read by the
/// Prometheus exporter behind <c>/metrics</c> (<see cref="MetricsServer"/>); and, when <c>Telemetry:OtlpEndpoint</c>
/// is set (for example http://collector:4317), the same metrics and the service's traces pushed over OTLP.
/// Without an endpoint no span is recorded at all, so tracing costs nothing until someone collects it.
/// </summary>
public static class ServiceTelemetry
{
    /// <summary>The meter of what both services report (log events dropped).</summary>
    public const string SharedMeterName = "NetworkTwin.Hosting";

    private static readonly Meter Shared = new(SharedMeterName);

    static ServiceTelemetry() =>
        Shared.CreateObservableCounter("networktwin_log_events_dropped", () => ServiceLogging.DroppedEvents, "{event}", "Log events dropped because the log file buffer was full.");

    /// <summary>The problems of the Telemetry section (unknown keys, wrong types, bad values), as --validate-config reports them.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var keys = ConfigurationCheck.Problems(configuration, (TelemetryOptions.Section, typeof(TelemetryOptions)));
        if (keys.Count > 0)
        {
            return keys;
        }

        var result = new TelemetryOptionsValidator().Validate(null, configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions());
        return result.Failed ? [.. result.Failures] : [];
    }

    /// <param name="services">The host's services.</param>
    /// <param name="configuration">Read for the <see cref="TelemetryOptions.Section"/> section.</param>
    /// <param name="serviceName">service.name of the resource, such as networktwin-agent.</param>
    /// <param name="meters">The service's own meters.</param>
    /// <param name="tracing">The service's activity sources and instrumentation, used only when traces are exported.</param>
    public static void Add(IServiceCollection services, IConfiguration configuration, string serviceName, string[] meters, Action<TracerProviderBuilder> tracing)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(tracing);
        var section = configuration.GetSection(TelemetryOptions.Section);
        services.AddOptions<TelemetryOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();

        // The providers are built before options are validated; a malformed endpoint is left out here and reported by the validator.
        var settings = section.Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = settings.Exporting && Uri.TryCreate(settings.OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal) ? uri : null;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: ProductVersion.Text))
            .WithMetrics(m =>
            {
                m.AddMeter(SharedMeterName)
                    .AddMeter(meters)
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation()
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    m.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(t =>
            {
                tracing(t);
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(settings.TraceSampleRatio, 0, 1))))
                    .AddOtlpExporter(o => o.Endpoint = otlp);
            });
        }
    }
}
