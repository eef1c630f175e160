using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Central.Topology;
using OpenTelemetry.Trace;

namespace NetworkTwin.Central.Service;

/// <summary>Composes the coordinator: Kestrel (HTTP/2, cleartext or TLS), the repository, agent sync, topology, the operators' API.</summary>
public static partial class CoordinatorHost
{
    public const string EnvironmentPrefix = NetworkTwin.Hosting.ServiceConfiguration.EnvironmentPrefix;

    /// <summary>The configuration the coordinator would run with, and every problem in it (for --validate-config).</summary>
    internal static (CoordinatorSettings Settings, List<string> Errors) ReadSettings(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var configuration = CreateBuilder(args, configure).Configuration;
        var settings = CoordinatorSettings.Read(configuration, out var errors);
        errors.AddRange(NetworkTwin.Hosting.Observability.ServiceTelemetry.Problems(configuration));
        return (settings, errors);
    }

    private static WebApplicationBuilder CreateBuilder(string[] args, Action<IConfigurationBuilder>? configure)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        NetworkTwin.Hosting.ServiceConfiguration.Layer(builder.Configuration, "central", args);
        configure?.Invoke(builder.Configuration);
        return builder;
    }

    /// <summary>Builds the coordinator listening on Coordinator:Port (0 = any free port) of Coordinator:Address; throws <see cref="ArgumentException"/> naming every configuration problem.</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = CreateBuilder(args, configure);
        var settings = CoordinatorSettings.Read(builder.Configuration, out var errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }

        builder.Logging.ClearProviders();
        NetworkTwin.Hosting.ServiceLogging.Add(builder.Services, NetworkTwin.Hosting.ServiceLogging.Create(settings.Logging, Path.Combine(settings.DataDirectory, "logs"), "central-", builder.Configuration));
        builder.WebHost.ConfigureKestrel(k => k.Listen(settings.Address, settings.Port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (settings.CertificateFile is not null)
            {
                // TLS (HTTP/2 by ALPN); the agents validate this certificate against their CA file.
                // The pair is re-read when renewed (ServerCertificate), so a new certificate needs no restart.
                var certificate = k.ApplicationServices.GetRequiredService<ServerCertificate>();
                l.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, _) => certificate.Current(),
                    SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,

                    // Agents may present a certificate; the authenticator checks it against the client CA per call,
                    // so a wrong one gets UNAUTHENTICATED (and a log line) rather than a failed handshake.
                    ClientCertificateMode = settings.ClientCaFile is null ? Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate : Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            }
        }));

        // Agents hold uplink streams open for good: on shutdown end them quickly (they resend what was not acknowledged).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownSeconds));
        builder.Services.AddSingleton(settings);
        if (settings.CertificateFile is not null)
        {
            builder.Services.AddSingleton<ServerCertificate>();
        }

        if (settings.ClientCaFile is { } clientCaFile)
        {
            builder.Services.AddSingleton(sp => new ClientCertificateAuthority(clientCaFile, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ClientCertificateAuthority>>()));
        }
        builder.Services.AddSingleton(_ => OpenRepository(settings));
        builder.Services.AddSingleton(settings.Topology);
        builder.Services.AddSingleton(TimeProvider.System);

        // The lease first: the singleton loops below run only on the replica that holds it.
        builder.Services.AddSingleton(settings.Replicas);
        builder.Services.AddSingleton<Replicas.SingletonLease>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Replicas.SingletonLease>());
        builder.Services.AddSingleton<TopologyService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TopologyService>());
        builder.Services.AddSingleton(settings.Learning);
        builder.Services.AddSingleton<CommandSignal>();
        builder.Services.AddHostedService<CommandNotifications>();
        builder.Services.AddSingleton<Training.ModelTrainer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Training.ModelTrainer>());
        builder.Services.AddSingleton(settings.Control);
        builder.Services.AddSingleton<Control.ControlLoop>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Control.ControlLoop>());
        builder.Services.AddSingleton(settings.Retention);
        builder.Services.AddSingleton<Retention.RetentionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Retention.RetentionJob>());
        builder.Services.AddSingleton(settings.Rollups);
        builder.Services.AddSingleton<Rollups.RollupJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Rollups.RollupJob>());
        builder.Services.AddSingleton(settings.Design);
        builder.Services.AddSingleton<Designs.DesignRuns>();
        NetworkTwin.Hosting.ServiceManagers.Add(builder.Services, "networktwin-central", "NetworkTwinCentral");
        NetworkTwin.Hosting.Observability.ServiceTelemetry.Add(
            builder.Services,
            builder.Configuration,
            "networktwin-central",
            [Metrics.CoordinatorInstruments.MeterName],
            t => t.AddSource(Metrics.CoordinatorTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !Metrics.CoordinatorTracing.IsScrape(http.Request.Path)));
        builder.Services.AddSingleton<Metrics.CoordinatorMetrics>();
        builder.Services.AddSingleton<Metrics.CoordinatorInstruments>();
        builder.Services.AddSingleton<Metrics.CoordinatorMetricsServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Metrics.CoordinatorMetricsServer>());
        builder.Services.AddSingleton(sp => new AgentAuthenticator(settings.AgentTokens, sp.GetRequiredService<ILogger<AgentAuthenticator>>(), sp.GetService<ClientCertificateAuthority>()));
        builder.Services.AddKeyedSingleton(Operators.OperatorAuthInterceptor.Tokens, (sp, _) => new AgentAuthenticator(settings.OperatorTokens, sp.GetRequiredService<ILogger<AgentAuthenticator>>()));
        builder.Services.AddSingleton(new Operators.OperatorRoles(settings.OperatorRoles));
        builder.Services.AddSingleton(settings.Limits);
        builder.Services.AddSingleton<Limits.AgentLimits>();
        builder.Services.AddSingleton<Limits.OperatorLimits>();
        builder.Services.AddKeyedSingleton(AgentSyncService.ClockWarnings, (sp, _) => new NetworkTwin.Hosting.Observability.KeyedLogGate(TimeSpan.FromMinutes(10), sp.GetRequiredService<TimeProvider>()));
        AddGrpc(builder.Services, settings.Grpc);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NetworkTwin.Central.Sync");
        var authenticator = app.Services.GetRequiredService<AgentAuthenticator>();
        if (!authenticator.Enabled)
        {
            authenticator.WarnOpen();
        }

        NetworkTwin.Hosting.Security.ConfigurationSecrets.WarnCommandLine(builder.Configuration, logger);
        if (settings.InsecureExposure is { } exposure)
        {
            Log.Insecure(logger, exposure);
        }

        var repository = app.Services.GetRequiredService<CoordinatorRepository>();
        _ = app.Services.GetRequiredService<Metrics.CoordinatorInstruments>();
        Log.Repository(logger, repository.Description, repository.SchemaVersion);
        app.MapGrpcService<AgentSyncService>();
        app.MapGrpcService<Operators.OperatorService>();
        app.MapGrpcService<Designs.DesignService>();
        app.MapGrpcService<Diagnostics.DiagnosticsService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        return app;
    }

    /// <summary>
    /// grpc-dotnet on Kestrel: the four services (agents' sync, operators, the design twin, diagnostics), the standard health service (grpc.health.v1, fed by the
    /// same repository check as /readyz) and server reflection (grpcurl lists and describes the services).
    /// </summary>
    private static void AddGrpc(IServiceCollection services, GrpcWireOptions wire)
    {
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = wire.MaxReceiveMessageBytes;
            o.MaxSendMessageSize = wire.MaxSendMessageBytes;
            o.ResponseCompressionAlgorithm = wire.ResponseCompression == "gzip" ? "gzip" : null;
            o.EnableDetailedErrors = wire.DetailedErrors;
        }).AddServiceOptions<Operators.OperatorService>(o =>
        {
            // In this order: who is calling, then that caller's limits.
            o.Interceptors.Add<Operators.OperatorAuthInterceptor>();
            o.Interceptors.Add<Operators.OperatorLimitInterceptor>();
        }).AddServiceOptions<Designs.DesignService>(o =>
        {
            // The design twin is part of the operators' API: the same tokens, roles and limits.
            o.Interceptors.Add<Operators.OperatorAuthInterceptor>();
            o.Interceptors.Add<Operators.OperatorLimitInterceptor>();
        });

        // Registered, the interceptors are made once; unregistered, grpc-dotnet would make one per call.
        services.AddSingleton<Operators.OperatorAuthInterceptor>();
        services.AddSingleton<Operators.OperatorLimitInterceptor>();
        services.AddGrpcHealthChecks().AddCheck<RepositoryHealthCheck>("repository");
        services.AddGrpcReflection();
    }

    /// <summary>SQLite (repository.db in the data directory, or the file the connection string names) or PostgreSQL.</summary>
    private static CoordinatorRepository OpenRepository(CoordinatorSettings settings) => settings.RepositoryProvider == "postgresql"
        ? new PostgresRepository(settings.RepositoryConnectionString!, settings.RepositoryConcurrentStores)
        : new SqliteRepository(string.IsNullOrWhiteSpace(settings.RepositoryConnectionString) ? Path.Combine(settings.DataDirectory, "repository.db") : settings.RepositoryConnectionString);

    private static partial class Log
    {
        [LoggerMessage(7000, LogLevel.Information, "Repository: {Repository}, schema version {Version}")]
        public static partial void Repository(ILogger logger, string repository, int version);

        [LoggerMessage(7009, LogLevel.Warning, "Running exposed because Coordinator:AllowInsecure is set: {Exposure}. Anyone who can reach it can read the twin and send commands")]
        public static partial void Insecure(ILogger logger, string exposure);
    }
}
