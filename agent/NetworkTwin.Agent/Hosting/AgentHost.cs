using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Ingest;
using NetworkTwin.Agent.Live;
using NetworkTwin.Agent.Status;
using NetworkTwin.Hosting;
using NetworkTwin.Mqtt.Client;
using OpenTelemetry.Trace;
using Serilog;

namespace NetworkTwin.Agent.Hosting;

/// <summary>Composes the agent: configuration, logging and one registration per feature.</summary>
public static partial class AgentHost
{
    /// <summary>Environment variables with this prefix override the files (NETWORKTWIN_Mqtt__Port=1884).</summary>
    public const string EnvironmentPrefix = NetworkTwin.Hosting.ServiceConfiguration.EnvironmentPrefix;

    public static IHost Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        NetworkTwin.Hosting.ServiceConfiguration.Layer(builder.Configuration, "agent", args);
        configure?.Invoke(builder.Configuration);
        var remoteIgnored = AddRemoteSettings(builder.Configuration);

        builder.Logging.ClearProviders();
        NetworkTwin.Hosting.ServiceLogging.Add(builder.Services, CreateLogger(builder.Configuration));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAgentOptions(builder.Configuration);
        builder.Services.AddOutbox();
        builder.Services.AddLiveTwin();
        builder.Services.AddMqttIngest();
        builder.Services.AddFileIngest();
        builder.Services.AddUplink();
        builder.Services.AddStatusFile();
        NetworkTwin.Hosting.ServiceManagers.Add(builder.Services, "networktwin-agent", "NetworkTwinAgent");
        NetworkTwin.Hosting.Observability.ServiceTelemetry.Add(
            builder.Services,
            builder.Configuration,
            "networktwin-agent",
            [AgentInstruments.MeterName],
            t => t.AddSource(AgentTracing.SourceName).AddHttpClientInstrumentation());
        var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NetworkTwin.Agent.Hosting");
        NetworkTwin.Hosting.Security.ConfigurationSecrets.WarnCommandLine(builder.Configuration, logger);
        if (remoteIgnored is not null)
        {
            Log.RemoteSettingsIgnored(logger, remoteIgnored);
        }

        return host;
    }

    /// <summary>Rolling, size-capped files for field engineers (text or JSON lines) plus the console.</summary>
    /// <summary>
    /// The Agent section as far as it binds, for what must be known before the host is built (the log folder, the data
    /// directory): a value of the wrong type is left out here, so that it is reported with its key by
    /// <see cref="Problems"/> instead of stopping the build with the binder's exception.
    /// </summary>
    private static AgentOptions StartupOptions(IConfiguration configuration) =>
        ConfigurationCheck.Bindable(configuration, (AgentOptions.Section, typeof(AgentOptions))).GetSection(AgentOptions.Section).Get<AgentOptions>() ?? new AgentOptions();

    private static Serilog.Core.Logger CreateLogger(ConfigurationManager configuration)
    {
        var agent = StartupOptions(configuration);
        return NetworkTwin.Hosting.ServiceLogging.Create(agent.Logging, Path.Combine(agent.ResolvedDataDirectory, "logs"), "agent-", configuration);
    }

    /// <summary>
    /// Every problem in the agent's configuration, each naming its key, all at once: unknown keys and values of the wrong
    /// type first (before anything binds, as the binder would stop at the first), else what each section's validator
    /// refuses. Empty when the agent can start. Used by --validate-config, at every start, and by the configuration reference's test.
    /// The check reads the options classes by reflection: the list below keeps them in the native build
    /// (<c>NativeBuildTests</c> holds it to every class the check reaches).
    /// </summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.WindowOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.AnalysisOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.IngestOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.OutboxOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.CoordinatorOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.ActuatorOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AgentOptions.MetricsOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(NetworkTwin.Hosting.LogSettings))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(MqttClientOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(MqttTlsOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(NetworkTwin.Hosting.Observability.TelemetryOptions))]
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var keys = ConfigurationCheck.Problems(
            configuration,
            (AgentOptions.Section, typeof(AgentOptions)),
            ("Mqtt", typeof(MqttClientOptions)),
            (NetworkTwin.Hosting.Observability.TelemetryOptions.Section, typeof(NetworkTwin.Hosting.Observability.TelemetryOptions)));
        if (keys.Count > 0)
        {
            return keys;
        }

        var services = new ServiceCollection();
        services.AddAgentOptions(configuration);
        using var provider = services.BuildServiceProvider();
        var failures = new List<string>();
        void Check<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>()
            where T : class
        {
            try
            {
                _ = provider.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                failures.AddRange(ex.Failures);
            }
        }

        Check<AgentOptions>();
        Check<MqttClientOptions>();
        failures.AddRange(NetworkTwin.Hosting.Observability.ServiceTelemetry.Problems(configuration));
        failures.AddRange(NetworkTwin.Hosting.Security.ConfigurationSecrets.Problems(configuration));
        return [.. failures.Distinct(StringComparer.Ordinal)];
    }

    private static void AddAgentOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentOptions>().Bind(configuration.GetSection(AgentOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AgentOptions>, AgentOptionsValidator>();
        services.AddOptions<MqttClientOptions>().Bind(configuration.GetSection("Mqtt")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttClientOptions>, MqttOptionsValidator>();
    }

    private static void AddOutbox(this IServiceCollection services) =>
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AgentOptions>>().Value;
            return new Outbox.ResultOutbox(options.ResolvedOutboxFile, options.Outbox.MaxResults, sp.GetRequiredService<ILoggerFactory>().CreateLogger<Outbox.ResultOutbox>());
        });

    private static void AddLiveTwin(this IServiceCollection services)
    {
        services.AddSingleton<LiveTwin>();
        services.AddSingleton(sp => sp.GetRequiredService<LiveTwin>().Cadence);
        services.AddSingleton<Control.IActuator, Control.FileHookActuator>();
        services.AddSingleton<Control.CapacityTargets>();
        services.AddSingleton<Forecast.ModelSlot>();
        services.AddSingleton<Forecast.LinkForecasts>(sp => new Forecast.LinkForecasts(sp.GetRequiredService<Forecast.ModelSlot>()));
        services.AddHostedService<EvaluationWorker>();
    }

    private static void AddMqttIngest(this IServiceCollection services)
    {
        services.AddSingleton<MqttIngestWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestWorker>());
    }

    private static void AddFileIngest(this IServiceCollection services)
    {
        services.AddSingleton<FileTailWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<FileTailWorker>());
    }

    /// <summary>
    /// Settings the coordinator changed earlier (coordinator-settings.json in the data directory)
    /// go above appsettings.json and below environment variables and the command line, so a field
    /// engineer's explicit local setting still wins.
    /// </summary>
    /// <returns>Why the file was left out (damaged, or values this agent's configuration does not accept), else null.</returns>
    private static string? AddRemoteSettings(ConfigurationManager configuration)
    {
        var agent = StartupOptions(configuration);
        var path = Path.Combine(agent.ResolvedDataDirectory, Sync.CommandApplier.SettingsFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            // Checked on top of the local settings before it is layered in: a file that does not fit (damaged, or written
            // by another version) must not keep the agent from starting on its own configuration.
            var remote = Sync.CommandApplier.ParseRemoteSettings(File.ReadAllBytes(path), path);
            _ = Sync.CommandApplier.Proposed(configuration, remote);
            NetworkTwin.Hosting.ServiceConfiguration.InsertBelowEnvironment(configuration, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = remote });
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static void AddUplink(this IServiceCollection services)
    {
        services.AddSingleton<Sync.CommandApplier>();
        services.AddSingleton<Sync.SyncWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Sync.SyncWorker>());
    }

    private static void AddStatusFile(this IServiceCollection services)
    {
        services.AddSingleton<StatusFileWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusFileWriter>());
        services.AddSingleton<AgentInstruments>();
        services.AddSingleton<AgentMetricsServer>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentMetricsServer>());
    }

    private sealed class MqttOptionsValidator(IOptions<AgentOptions> agent) : IValidateOptions<MqttClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, MqttClientOptions options)
        {
            if (!agent.Value.Ingest.MqttEnabled)
            {
                return ValidateOptionsResult.Success;
            }

            // An empty client id means "derive it from the site"; check the rest with a placeholder.
            var id = options.ClientId;
            if (string.IsNullOrEmpty(id))
            {
                options.ClientId = new MqttClientOptions().ClientId;
            }

            var errors = options.Validate("Mqtt");
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(8005, LogLevel.Warning, "The settings the coordinator set earlier were left out: {Reason}. The agent runs on its own configuration until the coordinator sends them again")]
        public static partial void RemoteSettingsIgnored(Microsoft.Extensions.Logging.ILogger logger, string reason);
    }
}
