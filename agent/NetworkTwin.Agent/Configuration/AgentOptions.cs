using System.ComponentModel.DataAnnotations;
using NetworkTwin.Contracts.Telemetry;

namespace NetworkTwin.Agent.Configuration;

/// <summary>The agent's configuration, section "Agent" (appsettings.json, then NETWORKTWIN_ environment variables).</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>
    /// Keys the coordinator may change while the agent runs (<c>networktwin configure --set</c>), besides the pins
    /// (<c>Agent:Analysis:Pins:&lt;cell&gt;</c>); every other key is refused by name.
    /// </summary>
    public static readonly IReadOnlyList<string> RemoteKeys = ["Agent:Analysis:LossTarget", "Agent:Analysis:BufferMicros", "Agent:Analysis:DeclaredLinks"];

    /// <summary>The site this agent serves: its topics are nt/&lt;Site&gt;/+/+.</summary>
    public string Site { get; set; } = "site-1";

    /// <summary>Where the status file (and later the outbox) live; empty = the user's local data folder.</summary>
    public string DataDirectory { get; set; } = string.Empty;

    public WindowOptions Window { get; set; } = new();

    public AnalysisOptions Analysis { get; set; } = new();

    public IngestOptions Ingest { get; set; } = new();

    public NetworkTwin.Hosting.LogSettings Logging { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    public CoordinatorOptions Coordinator { get; set; } = new();

    /// <summary>This agent's identity at the coordinator: Coordinator:AgentId, or site and host name.</summary>
    public string AgentId => string.IsNullOrWhiteSpace(Coordinator.AgentId) ? $"{Site}@{Environment.MachineName}" : Coordinator.AgentId;

    public sealed class CoordinatorOptions
    {
        /// <summary>The coordinator's gRPC address (http://host:port), or several separated by commas (replicas, or a load balancer and replicas behind it): the agent uses the first that answers and moves to the next when one fails. Empty = results stay in the outbox.</summary>
        public string Address { get; set; } = string.Empty;

        /// <summary>The addresses of <see cref="Address"/>, in order.</summary>
        public IReadOnlyList<string> Addresses => [.. Address.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

        /// <summary>This agent's id at the coordinator; empty = Site@host name.</summary>

        public string AgentId { get; set; } = string.Empty;

        /// <summary>PEM file of the CA that signed the coordinator's certificate (https://); empty = the system's roots.</summary>
        public string CaFile { get; set; } = string.Empty;

        /// <summary>This agent's token at the coordinator (sent as a bearer token; never logged).</summary>
        public string Token { get; set; } = string.Empty;

        /// <summary>PEM certificate the agent presents to the coordinator (mutual TLS; its CN is the agent id), with <see cref="ClientKeyFile"/>.</summary>
        public string ClientCertificateFile { get; set; } = string.Empty;

        /// <summary>PEM private key of <see cref="ClientCertificateFile"/>.</summary>
        public string ClientKeyFile { get; set; } = string.Empty;

        /// <summary>Results sent in one uplink batch.</summary>

        [Range(1, 5000)]

        public int BatchSize { get; set; } = 500;

        /// <summary>First wait before reconnecting to the coordinator; it doubles on each failure (with jitter).</summary>

        public double ReconnectMinSeconds { get; set; } = 0.5;

        /// <summary>Longest wait between reconnects; at least ReconnectMinSeconds.</summary>

        public double ReconnectMaxSeconds { get; set; } = 30;
    }

    public string ResolvedDataDirectory => string.IsNullOrWhiteSpace(DataDirectory) ? Contracts.Status.AgentStatusDocument.DefaultDataDirectory : DataDirectory;

    public IReadOnlyList<string> MqttTopics => Ingest.Topics is { Length: > 0 } topics ? topics : [TelemetryTopic.FilterForSite(Site)];

    public sealed class WindowOptions
    {
        /// <summary>Sliding window length in seconds of data time.</summary>
        [Range(1d, 120d)]
        public double Seconds { get; set; } = 8;

        /// <summary>How often link discovery, clock alignment and capacity sizing run over the window.</summary>
        [Range(0.2, 3600d)]
        public double EvaluateEverySeconds { get; set; } = 2;
    }

    public sealed class AnalysisOptions
    {
        /// <summary>How many links the cells share; empty = the analysis decides from the loss correlation.</summary>
        [Range(1, 1000)]
        public int? DeclaredLinks { get; set; }

        /// <summary>Cell id to link id, as "Pins": { "1": 2 }.</summary>
        public Dictionary<string, int> Pins { get; set; } = [];

        /// <summary>The switch egress buffer, in microseconds at the link's rate (143 us is one OFDM symbol at 30 kHz).</summary>

        [Range(0d, 1_000_000d)]

        public double BufferMicros { get; set; } = 143;

        /// <summary>The share of symbols a link may lose at the capacity it is sized for (0.01 = 1%).</summary>

        [Range(0d, 1d, MaximumIsExclusive = true)]

        public double LossTarget { get; set; } = 0.01;

        /// <summary>Largest RU clock offset either way that the clock alignment searches.</summary>

        [Range(0d, 60d, MinimumIsExclusive = true)]

        public double MaxClockOffsetSeconds { get; set; } = 1.5;

        /// <summary>Cores the window analysis may use; 1 leaves the other cores to ingest (latency).</summary>
        public int MaxParallelism { get; set; } = 1;

        /// <summary>
        /// The window analysis thread's nice value on Linux (higher yields more): at 10 ingest wins the CPU and keeps its
        /// latency; 0 gives the analysis an equal share, for many cells on a machine whose cores are busy.
        /// </summary>
        [Range(0, 19)]
        public int Nice { get; set; } = 10;
    }

    public sealed class IngestOptions
    {
        /// <summary>Take telemetry from the broker (the Mqtt section); false with TailDirectory set reads files only.</summary>
        public bool MqttEnabled { get; set; } = true;

        /// <summary>MQTT topic filters; empty = nt/&lt;Site&gt;/+/+.</summary>
        public string[] Topics { get; set; } = [];

        /// <summary>A folder whose throughput-cell-N.dat / pkt-stats-cell-N.dat files are tailed as they grow; empty = off.</summary>
        public string TailDirectory { get; set; } = string.Empty;

        /// <summary>How often the tailed folder is looked at for new rows.</summary>

        [Range(10, 60_000)]

        public int TailPollMilliseconds { get; set; } = 250;
    }

    public sealed class OutboxOptions
    {
        /// <summary>SQLite file of results waiting for the coordinator; empty = outbox.db in the data directory.</summary>
        public string File { get; set; } = string.Empty;

        /// <summary>Most results kept; beyond it the oldest are dropped (counted, logged at Error).</summary>
        [Range(100L, 1_000_000_000L)]
        public long MaxResults { get; set; } = 1_000_000;
    }

    public string ResolvedOutboxFile => string.IsNullOrWhiteSpace(Outbox.File) ? Path.Combine(ResolvedDataDirectory, "outbox.db") : Outbox.File;

    public MetricsOptions Metrics { get; set; } = new();

    public ActuatorOptions Actuator { get; set; } = new();

    /// <summary>How the agent carries out the coordinator's capacity targets (see Control/FileHookActuator).</summary>
    public sealed class ActuatorOptions
    {
        /// <summary>JSON file with every link's capacity target in force; empty = capacity-targets.json in the data directory.</summary>
        public string TargetsFile { get; set; } = string.Empty;

        /// <summary>Program run after the file is written (the site's shaper or provisioning hook); empty = none.</summary>
        public string HookScript { get; set; } = string.Empty;

        /// <summary>The hook is killed when it runs longer, and the target is reported as refused.</summary>

        [Range(1d, 3600d)]

        public double HookTimeoutSeconds { get; set; } = 30;

        /// <summary>Windows measured after a target is applied before its effect is reported.</summary>
        [Range(1, 1000)]
        public int EffectWindows { get; set; } = 3;

        /// <summary>Link id to the capacity (Gbit/s) provisioned today, used until the coordinator sets a target.</summary>
        public Dictionary<string, double> Installed { get; set; } = [];
    }

    public string ResolvedTargetsFile => string.IsNullOrWhiteSpace(Actuator.TargetsFile) ? Path.Combine(ResolvedDataDirectory, "capacity-targets.json") : Actuator.TargetsFile;

    /// <summary>Where /metrics (Prometheus), /healthz and /readyz are served over HTTP/1.1.</summary>
    public sealed class MetricsOptions
    {
        /// <summary>Loopback by default: expose it wider only behind the site's firewall.</summary>
        public string Address { get; set; } = "127.0.0.1";

        /// <summary>0 = no metrics endpoint.</summary>
        [Range(0, 65535)]
        public int Port { get; set; } = 9464;
    }
}
