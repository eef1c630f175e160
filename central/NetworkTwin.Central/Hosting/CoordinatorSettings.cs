using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Topology;

namespace NetworkTwin.Central.Hosting;

/// <summary>
/// The coordinator's configuration (section Coordinator), read once and checked whole: every
/// problem is reported with its key and the allowed values, not just the first.
/// </summary>
public sealed record CoordinatorSettings
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 7070;

    public string DataDirectory { get; init; } = string.Empty;

    public double ShutdownSeconds { get; init; } = 3;

    public string RepositoryProvider { get; init; } = "sqlite";

    public string? RepositoryConnectionString { get; init; }

    public string? CertificateFile { get; init; }

    public string? KeyFile { get; init; }

    public string? ClientCaFile { get; init; }

    public TopologyOptions Topology { get; init; } = new();

    public Learning.LearningOptions Learning { get; init; } = new();

    public Control.ControlOptions Control { get; init; } = new();

    public GrpcWireOptions Grpc { get; init; } = new();

    /// <summary>Where /metrics, /healthz and /readyz are served (HTTP/1.1); port 0 = not at all.</summary>
    public string MetricsAddress { get; init; } = "127.0.0.1";

    public int MetricsPort { get; init; } = 9470;

    /// <summary>Rolling log files (default: "logs" under the data directory) and the console.</summary>
    public NetworkTwin.Hosting.LogSettings Logging { get; init; } = new();

    public IReadOnlyDictionary<string, string> AgentTokens { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> OperatorTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>What is reachable beyond this machine without protection, when Coordinator:AllowInsecure let it start anyway (logged at every start); null otherwise.</summary>
    public string? InsecureExposure { get; init; }

    /// <summary>
    /// A coordinator listening beyond loopback must encrypt (TLS) and know who calls: agents by token or client certificate,
    /// operators by token; a dashboard beyond loopback needs operator tokens (its buttons approve decisions). Null when all is
    /// in place or nothing is exposed; else what is missing, by key.
    /// </summary>
    private static string? Exposure(IPAddress address, string? dashboardAddress, string? certificate, string? clientCa, bool agentTokens, bool operatorTokens)
    {
        var missing = new List<string>();
        if (!IPAddress.IsLoopback(address))
        {
            if (string.IsNullOrWhiteSpace(certificate))
            {
                missing.Add("TLS (Coordinator:Tls:CertificateFile and KeyFile)");
            }

            if (!agentTokens && string.IsNullOrWhiteSpace(clientCa))
            {
                missing.Add("the agents' identity (Coordinator:AgentTokens or Coordinator:Tls:ClientCaFile)");
            }
        }

        var dashboardExposed = dashboardAddress is not null && IPAddress.TryParse(dashboardAddress, out var dashboard) && !IPAddress.IsLoopback(dashboard);
        if ((!IPAddress.IsLoopback(address) || dashboardExposed) && !operatorTokens)
        {
            missing.Add("the operators' identity (Coordinator:OperatorTokens)");
        }

        if (missing.Count == 0)
        {
            return null;
        }

        var where = string.Join(" and ", new[] { IPAddress.IsLoopback(address) ? null : $"the gRPC endpoint on {address}", dashboardExposed ? $"the dashboard on {dashboardAddress}" : null }.Where(w => w is not null));
        return $"{where} can be reached from other machines without {string.Join(", ", missing)}";
    }

    /// <summary>Reads the section; <paramref name="errors"/> gets one line per problem (empty when the settings are usable).</summary>
    public static CoordinatorSettings Read(IConfiguration configuration, out List<string> errors)
    {
        errors = [];
        var section = configuration.GetSection("Coordinator");
        var problems = errors;
        T Value<T>(string key, T fallback)
        {
            try
            {
                return section.GetValue(key, fallback)!;
            }
            catch (InvalidOperationException)
            {
                problems.Add($"Coordinator:{key} must be a {typeof(T).Name.ToLowerInvariant()} (got '{section[key]}').");
                return fallback;
            }
        }

        var addressText = Value("Address", "127.0.0.1");
        if (!IPAddress.TryParse(addressText, out var address))
        {
            errors.Add($"Coordinator:Address must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0 (got '{addressText}').");
            address = IPAddress.Loopback;
        }

        var port = Value("Port", 7070);
        if (port is < 0 or > 65535)
        {
            errors.Add($"Coordinator:Port must be 0..65535 (got {port}).");
        }

        var shutdown = Value("ShutdownSeconds", 3.0);
        if (!(shutdown is > 0 and <= 300))
        {
            errors.Add($"Coordinator:ShutdownSeconds must be above 0 and at most 300 (got {shutdown}).");
        }

        var provider = Value("Repository:Provider", "sqlite").Trim().ToLowerInvariant();
        var connection = section["Repository:ConnectionString"];
        if (provider == "postgres")
        {
            provider = "postgresql";
        }

        if (provider is not ("sqlite" or "postgresql"))
        {
            errors.Add($"Coordinator:Repository:Provider must be sqlite or postgresql (got '{provider}').");
        }
        else if (provider == "postgresql" && string.IsNullOrWhiteSpace(connection))
        {
            errors.Add("Coordinator:Repository:ConnectionString is required when Coordinator:Repository:Provider is postgresql (for example Host=db;Database=networktwin;Username=twin;Password=...).");
        }

        var certificate = section["Tls:CertificateFile"];
        var key = section["Tls:KeyFile"];
        var clientCa = section["Tls:ClientCaFile"];
        if (string.IsNullOrWhiteSpace(certificate) != string.IsNullOrWhiteSpace(key))
        {
            errors.Add("Coordinator:Tls:CertificateFile and Coordinator:Tls:KeyFile go together: set both (TLS) or neither (cleartext HTTP/2).");
        }

        if (!string.IsNullOrWhiteSpace(clientCa) && string.IsNullOrWhiteSpace(certificate))
        {
            errors.Add("Coordinator:Tls:ClientCaFile needs TLS: set Coordinator:Tls:CertificateFile and KeyFile too.");
        }

        foreach (var (name, file) in new[] { ("CertificateFile", certificate), ("KeyFile", key), ("ClientCaFile", clientCa) })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                errors.Add($"Coordinator:Tls:{name} \"{file}\" does not exist.");
            }
        }

        var metricsAddress = Value("Metrics:Address", "127.0.0.1");
        if (!IPAddress.TryParse(metricsAddress, out _))
        {
            errors.Add($"Coordinator:Metrics:Address must be an IP address such as 127.0.0.1 (got '{metricsAddress}').");
        }

        var metricsPort = Value("Metrics:Port", 9470);
        if (metricsPort is < 0 or > 65535)
        {
            errors.Add($"Coordinator:Metrics:Port must be 0..65535, 0 for no metrics endpoint (got {metricsPort}).");
        }

        var topology = Bind<TopologyOptions>(section, "Topology", errors);

        Check(topology, errors);
        var learning = Bind<Learning.LearningOptions>(section, "Learning", errors);
        errors.AddRange(learning.Validate());
        var control = Bind<Control.ControlOptions>(section, "Control", errors);
        errors.AddRange(control.Validate());
        var logging = Bind<NetworkTwin.Hosting.LogSettings>(section, "Logging", errors);
        var grpc = Bind<GrpcWireOptions>(section, "Grpc", errors);
        errors.AddRange(grpc.Validate());

        var agentTokens = Tokens(section.GetSection("AgentTokens"), "AgentTokens", errors);
        var operatorTokens = Tokens(section.GetSection("OperatorTokens"), "OperatorTokens", errors);
        var exposure = Exposure(address, metricsPort == 0 ? null : metricsAddress, certificate, clientCa, agentTokens.Count > 0, operatorTokens.Count > 0);
        var allowInsecure = Value("AllowInsecure", false);
        if (exposure is not null && !allowInsecure)
        {
            errors.Add(exposure + "; add them, or set Coordinator:AllowInsecure=true to run exposed anyway (a warning is logged at every start).");
        }

        return new CoordinatorSettings
        {
            InsecureExposure = allowInsecure ? exposure : null,
            Address = address,
            Port = port,
            DataDirectory = section["DataDirectory"] is { Length: > 0 } d
                ? d
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "central"),
            ShutdownSeconds = shutdown,
            RepositoryProvider = provider,
            RepositoryConnectionString = connection,
            CertificateFile = string.IsNullOrWhiteSpace(certificate) ? null : certificate,
            KeyFile = string.IsNullOrWhiteSpace(key) ? null : key,
            ClientCaFile = string.IsNullOrWhiteSpace(clientCa) ? null : clientCa,
            Topology = topology,
            Learning = learning,
            Control = control,
            Grpc = grpc,
            MetricsAddress = metricsAddress,
            MetricsPort = metricsPort,
            Logging = logging,
            AgentTokens = agentTokens,
            OperatorTokens = operatorTokens,
        };
    }

    /// <summary>Binds a sub-section; a value that does not fit its type is an error naming the section, and the defaults stand in.</summary>
    private static T Bind<T>(IConfigurationSection section, string name, List<string> errors)
        where T : new()
    {
        try
        {
            return section.GetSection(name).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add($"Coordinator:{name}: {ex.Message}");
            return new T();
        }
    }

    private static Dictionary<string, string> Tokens(IConfigurationSection section, string name, List<string> errors)
    {
        var tokens = section.GetChildren().ToDictionary(t => t.Key, t => t.Value ?? string.Empty, StringComparer.Ordinal);
        foreach (var (id, token) in tokens.Where(t => t.Value.Length < 16))
        {
            // The value itself is a secret: only its length is named.
            errors.Add($"Coordinator:{name}:{id} must be at least 16 characters (it has {token.Length.ToString(CultureInfo.InvariantCulture)}).");
        }

        return tokens;
    }

    private static void Check(TopologyOptions o, List<string> errors)
    {
        if (!(o.EverySeconds is >= 1 and <= 3600))
        {
            errors.Add($"Coordinator:Topology:EverySeconds must be 1..3600 (got {o.EverySeconds}).");
        }

        if (!(o.HorizonSeconds is >= 10 and <= 86400))
        {
            errors.Add($"Coordinator:Topology:HorizonSeconds must be 10..86400 (got {o.HorizonSeconds}).");
        }

        if (!(o.MaxClockOffsetSeconds is > 0 and <= 60))
        {
            errors.Add($"Coordinator:Topology:MaxClockOffsetSeconds must be above 0 and at most 60 (got {o.MaxClockOffsetSeconds}).");
        }

        if (!(o.MinCorrelation is > 0 and < 1))
        {
            errors.Add($"Coordinator:Topology:MinCorrelation must be between 0 and 1 (got {o.MinCorrelation}).");
        }

        if (!(o.MinPeakZ > 0))
        {
            errors.Add($"Coordinator:Topology:MinPeakZ must be above 0 (got {o.MinPeakZ}).");
        }

        if (o.MaxParallelism < 1)
        {
            errors.Add($"Coordinator:Topology:MaxParallelism must be at least 1 (got {o.MaxParallelism}).");
        }
    }
}
