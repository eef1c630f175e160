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

namespace NetworkTwin.Central.Hosting;

/// <summary>Composes the coordinator: Kestrel (cleartext HTTP/2 for now), the repository, the sync service.</summary>
public static partial class CoordinatorHost
{
    public const string EnvironmentPrefix = "NETWORKTWIN_";

    /// <summary>Builds the coordinator listening on Coordinator:Port (0 = any free port) of Coordinator:Address.</summary>
    public static WebApplication Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configure?.Invoke(builder.Configuration);
        var section = builder.Configuration.GetSection("Coordinator");
        var port = section.GetValue("Port", 7070);
        var address = IPAddress.Parse(section.GetValue("Address", "127.0.0.1")!);
        var dataDirectory = section.GetValue<string>("DataDirectory") is { Length: > 0 } d
            ? d
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "central");
        if (port is < 0 or > 65535)
        {
            throw new ArgumentException($"Coordinator:Port must be 0..65535 (got {port}).");
        }

        var tls = section.GetSection("Tls");
        var certificateFile = tls.GetValue<string>("CertificateFile");
        var keyFile = tls.GetValue<string>("KeyFile");
        var clientCaFile = tls.GetValue<string>("ClientCaFile");
        X509Certificate2Collection? clientCa = null;
        if (!string.IsNullOrEmpty(clientCaFile))
        {
            if (string.IsNullOrEmpty(certificateFile))
            {
                throw new ArgumentException("Coordinator:Tls:ClientCaFile needs TLS: set Coordinator:Tls:CertificateFile and KeyFile too.");
            }

            clientCa = [];
            clientCa.ImportFromPemFile(clientCaFile);
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            if (!string.IsNullOrEmpty(certificateFile))
            {
                // TLS (HTTP/2 by ALPN); the agents validate this certificate against their CA file.
                l.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                {
                    ServerCertificate = X509Certificate2.CreateFromPemFile(certificateFile, keyFile),

                    // Agents may present a certificate; the authenticator checks it against the client CA per call,
                    // so a wrong one gets UNAUTHENTICATED (and a log line) rather than a failed handshake.
                    ClientCertificateMode = clientCa is null ? Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.NoCertificate : Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            }
        }));

        // Agents hold uplink streams open for good: on shutdown end them quickly (they resend what was not acknowledged).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(section.GetValue("ShutdownSeconds", 3.0)));
        var repositorySection = section.GetSection("Repository");
        builder.Services.AddSingleton(_ => OpenRepository(repositorySection, dataDirectory));
        var topologyOptions = section.GetSection("Topology").Get<TopologyOptions>() ?? new TopologyOptions();
        Validate(topologyOptions);
        builder.Services.AddSingleton(topologyOptions);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TopologyService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TopologyService>());
        var tokens = section.GetSection("AgentTokens").GetChildren().ToDictionary(t => t.Key, t => t.Value ?? string.Empty, StringComparer.Ordinal);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NetworkTwin.Central.Sync");
        var authenticator = new AgentAuthenticator(tokens, logger, clientCa);
        if (!authenticator.Enabled)
        {
            authenticator.WarnOpen();
        }

        var repository = app.Services.GetRequiredService<CoordinatorRepository>();
        Log.Repository(logger, repository.Description, repository.SchemaVersion);
        var signal = new CommandSignal();
        AgentSyncService.Map(app, repository, authenticator, signal, logger);
        var operatorTokens = section.GetSection("OperatorTokens").GetChildren().ToDictionary(t => t.Key, t => t.Value ?? string.Empty, StringComparer.Ordinal);
        Operators.OperatorService.Map(app, repository, app.Services.GetRequiredService<TopologyService>(), signal, new AgentAuthenticator(operatorTokens, logger));
        return app;
    }

    /// <summary>
    /// Coordinator:Repository:Provider is <c>sqlite</c> (default: repository.db in the data
    /// directory) or <c>postgresql</c> with Coordinator:Repository:ConnectionString.
    /// </summary>
    private static CoordinatorRepository OpenRepository(IConfigurationSection section, string dataDirectory)
    {
        var provider = section.GetValue("Provider", "sqlite")!.Trim().ToLowerInvariant();
        var connectionString = section.GetValue<string>("ConnectionString");
        return provider switch
        {
            "sqlite" => new SqliteRepository(string.IsNullOrWhiteSpace(connectionString) ? Path.Combine(dataDirectory, "repository.db") : connectionString),
            "postgresql" or "postgres" => string.IsNullOrWhiteSpace(connectionString)
                ? throw new ArgumentException("Coordinator:Repository:ConnectionString is required when Coordinator:Repository:Provider is postgresql (for example Host=db;Database=networktwin;Username=twin;Password=...).")
                : new PostgresRepository(connectionString),
            _ => throw new ArgumentException($"Coordinator:Repository:Provider must be sqlite or postgresql (got '{provider}')."),
        };
    }

    private static void Validate(TopologyOptions o)
    {
        if (!(o.EverySeconds is >= 1 and <= 3600))
        {
            throw new ArgumentException($"Coordinator:Topology:EverySeconds must be 1..3600 (got {o.EverySeconds}).");
        }

        if (!(o.HorizonSeconds is >= 10 and <= 86400))
        {
            throw new ArgumentException($"Coordinator:Topology:HorizonSeconds must be 10..86400 (got {o.HorizonSeconds}).");
        }

        if (!(o.MaxClockOffsetSeconds is > 0 and <= 60))
        {
            throw new ArgumentException($"Coordinator:Topology:MaxClockOffsetSeconds must be above 0 and at most 60 (got {o.MaxClockOffsetSeconds}).");
        }

        if (!(o.MinCorrelation is > 0 and < 1))
        {
            throw new ArgumentException($"Coordinator:Topology:MinCorrelation must be between 0 and 1 (got {o.MinCorrelation}).");
        }

        if (!(o.MinPeakZ is > 0) || o.MaxParallelism < 1)
        {
            throw new ArgumentException($"Coordinator:Topology:MinPeakZ must be above 0 (got {o.MinPeakZ}) and MaxParallelism at least 1 (got {o.MaxParallelism}).");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7000, LogLevel.Information, "Repository: {Repository}, schema version {Version}")]
        public static partial void Repository(ILogger logger, string repository, int version);
    }
}
