using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Service;

// Bound in one piece and checked whole by CoordinatorSettings.Read; the source of docs/configuration.md, whose test
// holds the Range and AllowedValues attributes to what those checks really refuse.

/// <summary>
/// The coordinator's configuration, section "Coordinator" (central.json, then NETWORKTWIN_Coordinator__* variables).
/// </summary>
internal sealed class CoordinatorOptions
{
    public const string Section = "Coordinator";

    /// <summary>IP address the gRPC endpoint (agents and operators) listens on. Beyond loopback it needs TLS, the agents' and the operators' identity, or AllowInsecure.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>TCP port of the gRPC endpoint (HTTP/2); 0 = any free port.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 7070;

    /// <summary>The repository (SQLite), the logs and the models; empty = networktwin/central in the user's local data folder.</summary>
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>Seconds the coordinator waits for calls in flight when it stops.</summary>
    [Range(0d, 300d, MinimumIsExclusive = true)]
    public double ShutdownSeconds { get; set; } = 3;

    /// <summary>Run exposed beyond loopback without TLS or tokens anyway (a warning is logged at every start).</summary>
    public bool AllowInsecure { get; set; }

    public RepositoryOptions Repository { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>Agent id to its bearer token (at least 16 characters each); an agent with none here may still come with a client certificate.</summary>
    public Dictionary<string, string> AgentTokens { get; set; } = [];

    /// <summary>Operator name to its bearer token (at least 16 characters each), for the CLI and the dashboard; the name goes in the audit trail.</summary>
    public Dictionary<string, string> OperatorTokens { get; set; } = [];

    /// <summary>Operator name to its role: viewer (reads the CLI's lists and the dashboard) or operator (also approves, commands, trains, runs the design twin; the default).</summary>
    public Dictionary<string, string> OperatorRoles { get; set; } = [];

    public Topology.TopologyOptions Topology { get; set; } = new();

    public Training.LearningOptions Learning { get; set; } = new();

    public Control.ControlOptions Control { get; set; } = new();

    public GrpcWireOptions Grpc { get; set; } = new();

    public Limits.LimitOptions Limits { get; set; } = new();

    public Replicas.ReplicaOptions Replicas { get; set; } = new();

    /// <summary>How long each kind of data is kept (Coordinator:Retention).</summary>
    public Retention.RetentionOptions Retention { get; set; } = new();

    /// <summary>How often the minute and hour rollups are derived (Coordinator:Rollups).</summary>
    public Rollups.RollupOptions Rollups { get; set; } = new();

    /// <summary>What the design twin's runs may take (Coordinator:Design).</summary>
    public Designs.DesignOptions Design { get; set; } = new();

    /// <summary>Rolling log files (default: "logs" under the data directory) and the console.</summary>
    public NetworkTwin.Hosting.LogSettings Logging { get; set; } = new();

    /// <summary>Where the coordinator keeps what it knows: the embedded SQLite file, or a PostgreSQL server in production.</summary>
    public sealed class RepositoryOptions
    {
        /// <summary>sqlite (embedded, one coordinator) or postgresql (production).</summary>
        [AllowedValues("sqlite", "postgresql", "postgres")]
        public string Provider { get; set; } = "sqlite";

        /// <summary>Npgsql connection string for postgresql (Host=db;Database=networktwin;Username=twin;Password=...); for sqlite, empty = central.db in the data directory.</summary>
        public string? ConnectionString { get; set; }

        /// <summary>PostgreSQL: transactions storing agents' result batches at once; the batches that arrive meanwhile wait and go in together, up to 32 in one. More than the server has cores only contend for the same index pages.</summary>
        [Range(1, 256)]
        public int ConcurrentStores { get; set; } = NetworkTwin.Central.Repository.PostgresRepository.DefaultConcurrentStores;
    }

    /// <summary>TLS on the gRPC endpoint; without a certificate it speaks cleartext HTTP/2 (loopback only, unless AllowInsecure).</summary>
    public sealed class TlsOptions
    {
        /// <summary>PEM certificate the coordinator presents (with KeyFile).</summary>
        public string? CertificateFile { get; set; }

        /// <summary>PEM private key of CertificateFile.</summary>
        public string? KeyFile { get; set; }

        /// <summary>PEM CA whose client certificates identify agents (mutual TLS; the certificate's CN is the agent id).</summary>
        public string? ClientCaFile { get; set; }
    }

    /// <summary>The HTTP/1.1 endpoint of /metrics (Prometheus), /healthz, /readyz and the dashboard.</summary>
    public sealed class MetricsOptions
    {
        /// <summary>IP address to listen on; beyond loopback the dashboard needs OperatorTokens.</summary>
        public string Address { get; set; } = "127.0.0.1";

        /// <summary>TCP port; 0 = no metrics endpoint and no dashboard.</summary>
        [Range(0, 65535)]
        public int Port { get; set; } = 9470;
    }
}
