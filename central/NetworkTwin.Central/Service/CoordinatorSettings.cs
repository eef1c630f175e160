using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Topology;

namespace NetworkTwin.Central.Service;

/// <summary>
/// The coordinator's configuration (section Coordinator), read once and checked whole: every
/// problem is reported with its key and the allowed values, not just the first.
/// </summary>
internal sealed record CoordinatorSettings
{
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    public int Port { get; init; } = 7070;

    public string DataDirectory { get; init; } = string.Empty;

    public double ShutdownSeconds { get; init; } = 3;

    public string RepositoryProvider { get; init; } = "sqlite";

    public string? RepositoryConnectionString { get; init; }

    /// <summary>PostgreSQL: result batches written at once.</summary>
    public int RepositoryConcurrentStores { get; init; } = Repository.PostgresRepository.DefaultConcurrentStores;

    public string? CertificateFile { get; init; }

    public string? KeyFile { get; init; }

    public string? ClientCaFile { get; init; }

    public TopologyOptions Topology { get; init; } = new();

    public Training.LearningOptions Learning { get; init; } = new();

    public Control.ControlOptions Control { get; init; } = new();

    public GrpcWireOptions Grpc { get; init; } = new();

    /// <summary>What one agent and one operator may take (Coordinator:Limits).</summary>
    public Limits.LimitOptions Limits { get; init; } = new();

    /// <summary>The lease on the singleton loops (Coordinator:Replicas).</summary>
    public Replicas.ReplicaOptions Replicas { get; init; } = new();

    /// <summary>How long each kind of data is kept (Coordinator:Retention).</summary>
    public Retention.RetentionOptions Retention { get; init; } = new();

    /// <summary>How often the minute and hour rollups are derived (Coordinator:Rollups).</summary>
    public Rollups.RollupOptions Rollups { get; init; } = new();

    /// <summary>What the design twin's runs may take (Coordinator:Design).</summary>
    public Designs.DesignOptions Design { get; init; } = new();

    /// <summary>Where /metrics, /healthz and /readyz are served (HTTP/1.1); port 0 = not at all.</summary>
    public string MetricsAddress { get; init; } = "127.0.0.1";

    public int MetricsPort { get; init; } = 9470;

    /// <summary>Rolling log files (default: "logs" under the data directory) and the console.</summary>
    public NetworkTwin.Hosting.LogSettings Logging { get; init; } = new();

    public IReadOnlyDictionary<string, string> AgentTokens { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> OperatorTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Operator name to viewer or operator (absent: operator).</summary>
    public IReadOnlyDictionary<string, string> OperatorRoles { get; init; } = new Dictionary<string, string>();

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
        // Unknown keys and values of the wrong type first, each with its key; then the checks of everything else,
        // bound without the keys already reported so that every problem shows up at once.
        var sections = new[] { (CoordinatorOptions.Section, typeof(CoordinatorOptions)) };
        var bindable = NetworkTwin.Hosting.ConfigurationCheck.Bindable(configuration, out var keyProblems, sections);
        errors = [.. keyProblems];
        var options = bindable.GetSection(CoordinatorOptions.Section).Get<CoordinatorOptions>() ?? new CoordinatorOptions();

        if (!IPAddress.TryParse(options.Address, out var address))
        {
            errors.Add($"Coordinator:Address must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0 (got '{options.Address}').");
            address = IPAddress.Loopback;
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"Coordinator:Port must be 0..65535 (got {options.Port}).");
        }

        if (!(options.ShutdownSeconds is > 0 and <= 300))
        {
            errors.Add($"Coordinator:ShutdownSeconds must be above 0 and at most 300 (got {options.ShutdownSeconds}).");
        }

        var provider = options.Repository.Provider.Trim().ToLowerInvariant();
        var connection = options.Repository.ConnectionString;
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

        if (options.Repository.ConcurrentStores is < 1 or > 256)
        {
            errors.Add($"Coordinator:Repository:ConcurrentStores must be 1..256 (got {options.Repository.ConcurrentStores}).");
        }

        var (certificate, key, clientCa) = (options.Tls.CertificateFile, options.Tls.KeyFile, options.Tls.ClientCaFile);
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

        if (!string.IsNullOrWhiteSpace(clientCa) && File.Exists(clientCa) && NetworkTwin.Hosting.Security.PemFiles.BundleProblem(clientCa) is { } problem)
        {
            errors.Add($"Coordinator:Tls:ClientCaFile \"{clientCa}\" does not load: {problem}.");
        }

        if (!string.IsNullOrWhiteSpace(certificate) && File.Exists(certificate) && !string.IsNullOrWhiteSpace(key) && File.Exists(key)
            && NetworkTwin.Hosting.Security.PemFiles.PairProblem(certificate, key) is { } pair)
        {
            errors.Add($"Coordinator:Tls:CertificateFile and KeyFile (\"{certificate}\", \"{key}\") do not load as a pair: {pair}.");
        }

        var metrics = options.Metrics;
        if (!IPAddress.TryParse(metrics.Address, out _))
        {
            errors.Add($"Coordinator:Metrics:Address must be an IP address such as 127.0.0.1 (got '{metrics.Address}').");
        }

        if (metrics.Port is < 0 or > 65535)
        {
            errors.Add($"Coordinator:Metrics:Port must be 0..65535, 0 for no metrics endpoint (got {metrics.Port}).");
        }

        Check(options.Topology, errors);
        errors.AddRange(options.Learning.Validate());
        errors.AddRange(options.Control.Validate());
        errors.AddRange(options.Grpc.Validate());
        errors.AddRange(options.Limits.Validate());
        errors.AddRange(options.Replicas.Validate());
        errors.AddRange(options.Retention.Validate());
        errors.AddRange(options.Rollups.Validate());
        errors.AddRange(options.Design.Validate());
        if (options.Retention.ResultsDays > 0 && options.Retention.ResultsDays * 24 < options.Learning.HistoryHours)
        {
            errors.Add($"Coordinator:Retention:ResultsDays keeps {options.Retention.ResultsDays} days of results, less than the {options.Learning.HistoryHours} h training learns from (Coordinator:Learning:HistoryHours): keep more days, or learn from fewer hours.");
        }

        if (options.Retention.TenSecondRollupDays > 0 && options.Retention.TenSecondRollupDays * 86_400 < options.Control.LookbackSeconds)
        {
            errors.Add($"Coordinator:Retention:TenSecondRollupDays keeps {options.Retention.TenSecondRollupDays} days of ten-second rollups, less than the control pass looks back (Coordinator:Control:LookbackSeconds {options.Control.LookbackSeconds} s).");
        }

        errors.AddRange(options.Logging.Validate("Coordinator:Logging"));
        errors.AddRange(NetworkTwin.Hosting.Security.ConfigurationSecrets.Problems(configuration));
        errors.AddRange(ShortTokens(options.AgentTokens, "AgentTokens"));
        errors.AddRange(ShortTokens(options.OperatorTokens, "OperatorTokens"));
        foreach (var (name, role) in options.OperatorRoles)
        {
            if (role is not (Operators.OperatorRoles.Viewer or Operators.OperatorRoles.Operator))
            {
                errors.Add($"Coordinator:OperatorRoles:{name} must be viewer or operator (got '{role}').");
            }
            else if (!options.OperatorTokens.ContainsKey(name))
            {
                errors.Add($"Coordinator:OperatorRoles:{name} names no operator: add Coordinator:OperatorTokens:{name}.");
            }
        }
        var exposure = Exposure(address, metrics.Port == 0 ? null : metrics.Address, certificate, clientCa, options.AgentTokens.Count > 0, options.OperatorTokens.Count > 0);
        if (exposure is not null && !options.AllowInsecure)
        {
            errors.Add(exposure + "; add them, or set Coordinator:AllowInsecure=true to run exposed anyway (a warning is logged at every start).");
        }

        return new CoordinatorSettings
        {
            InsecureExposure = options.AllowInsecure ? exposure : null,
            Address = address,
            Port = options.Port,
            DataDirectory = options.DataDirectory is { Length: > 0 } d
                ? d
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "central"),
            ShutdownSeconds = options.ShutdownSeconds,
            RepositoryProvider = provider,
            RepositoryConnectionString = connection,
            RepositoryConcurrentStores = options.Repository.ConcurrentStores,
            CertificateFile = string.IsNullOrWhiteSpace(certificate) ? null : certificate,
            KeyFile = string.IsNullOrWhiteSpace(key) ? null : key,
            ClientCaFile = string.IsNullOrWhiteSpace(clientCa) ? null : clientCa,
            Topology = options.Topology,
            Learning = options.Learning,
            Control = options.Control,
            Grpc = options.Grpc,
            Limits = options.Limits,
            Replicas = options.Replicas,
            Retention = options.Retention,
            Rollups = options.Rollups,
            Design = options.Design,
            MetricsAddress = metrics.Address,
            MetricsPort = metrics.Port,
            Logging = options.Logging,
            AgentTokens = options.AgentTokens,
            OperatorTokens = options.OperatorTokens,
            OperatorRoles = options.OperatorRoles,
        };
    }

    private static IEnumerable<string> ShortTokens(Dictionary<string, string> tokens, string name) =>
        // The value itself is a secret: only its length is named.
        tokens.Where(t => t.Value.Length < 16).Select(t => $"Coordinator:{name}:{t.Key} must be at least 16 characters (it has {t.Value.Length.ToString(CultureInfo.InvariantCulture)}).");

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
