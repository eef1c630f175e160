using System.Text.Json;
using System.Text.Json.Serialization;

namespace NetworkTwin.Contracts.Status;

/// <summary>
/// What an agent reports about itself, written every second as <c>status.json</c> in its data
/// directory (atomically: write, then rename) and read by <c>networktwin agent status</c>.
/// Field engineers can also read it with any JSON tool.
/// </summary>
public sealed record AgentStatusDocument(
    string Site,
    string Version,
    int ProcessId,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    long ResidentBytes,
    long ManagedHeapBytes,
    BrokerStatus? Broker,
    IngestStatus Ingest,
    LatencyStatus Latency,
    WindowStatus Window,
    IReadOnlyList<LinkStatus> Links,
    IReadOnlyList<CellStatus> Cells,
    IReadOnlyList<string> Warnings)
{
    public const string FileName = "status.json";

    /// <summary>
    /// Where an agent keeps its status, outbox and logs when Agent:DataDirectory is not set; the
    /// agent and <c>networktwin agent status</c> both read it from here.
    /// </summary>
    public static string DefaultDataDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "networktwin", "agent");

    /// <summary>The link to the coordinator; null when none is configured.</summary>
    public CoordinatorStatus? Coordinator { get; init; }

    /// <summary>Results waiting for the coordinator; null when the agent has no outbox.</summary>
    public OutboxStatus? Outbox { get; init; }

    /// <summary>The load-forecast model and what it produced; null before the first status.</summary>
    public ForecastStatus? Forecast { get; init; }

    /// <summary>Memory the garbage collector holds from the OS (heap plus free space it keeps).</summary>
    public long ManagedCommittedBytes { get; init; }

    /// <summary>How status.json is written and read: web naming, indented, nulls left out; generated code, no reflection.</summary>
    public static JsonSerializerOptions JsonOptions => AgentStatusJson.Default.Options;
}

/// <summary>
/// The status document's serializer, generated at build time so that the natively compiled agent (which has no
/// reflection-based serializer) writes the same file the CLI and the tests read.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentStatusDocument))]
public sealed partial class AgentStatusJson : JsonSerializerContext;

/// <summary>The agent's uplink to the coordinator.</summary>
public sealed record CoordinatorStatus(string Address, bool Connected, long ResultsSent, long AcknowledgedThrough, string? LastError);

/// <summary>The agent's forecast model (name "" and version 0 when it has none) and its counts.</summary>
public sealed record ForecastStatus(string ModelName, long ModelVersion, long Forecasts, long Anomalies);

/// <summary>The agent's store-and-forward outbox.</summary>
public sealed record OutboxStatus(long Pending, long PendingBytes, long Dropped, long LastSequence);

/// <summary>The agent's MQTT connection; <c>Subscribed</c> counts the topic filters the broker granted on the current connection.</summary>
public sealed record BrokerStatus(
    string Endpoint,
    bool Connected,
    DateTimeOffset? ConnectedSince,
    long Connects,
    long ConnectionFailures,
    long ProtocolErrors,
    string? LastError,
    IReadOnlyList<string> Topics,
    int QueuedMessages,
    int Subscribed = 0);

/// <summary>Counters since start, and rates over the last status interval.</summary>
public sealed record IngestStatus(
    long Messages,
    long Rows,
    long MalformedPayloads,
    long MalformedLines,
    long RejectedTopics,
    long LateRows,
    double MessagesPerSecond,
    double RowsPerSecond,
    string? LastProblem,
    IReadOnlyList<TailedFileStatus> Files)
{
    /// <summary>When the first and the latest MQTT message were handled (for ingest-rate measurements).</summary>
    public DateTimeOffset? FirstMessageAt { get; init; }

    public DateTimeOffset? LastMessageAt { get; init; }
}

public sealed record TailedFileStatus(string Path, long Offset, long Rows, long MalformedLines, int Rotations);

/// <summary>Publish-to-applied latency of stamped (binary) batches, over the last samples.</summary>
public sealed record LatencyStatus(long Samples, double P50Ms, double P99Ms, double MaxMs);

public sealed record WindowStatus(
    double Seconds,
    double? DataTimeSeconds,
    long Evaluations,
    double LastEvaluationMs,
    DateTimeOffset? LastEvaluatedAt,
    string? Discovery,
    string? LastError)
{
    /// <summary>Memory the last analysis allocated (its thread only), in bytes.</summary>
    public long LastEvaluationAllocatedBytes { get; init; }
}

public sealed record LinkStatus(
    int Id,
    int[] Cells,
    double CapacityGbps,
    double CapacityNoBufferGbps,
    double PeakGbps,
    double MeanGbps,
    double? ObservedLossPercent)
{
    /// <summary>The capacity target the actuator has in force for the link (null: none known).</summary>
    public double? TargetGbps { get; init; }

    /// <summary>The cells of each RU clock on this link (one radio unit each, never split between links).</summary>
    public int[][] ClockGroups { get; init; } = [];

    /// <summary>Mean loss correlation among the link's cells, and with its closest other link (the lower beside the first, the clearer apart).</summary>
    public double? MeanCorrelation { get; init; }

    public int? NextLink { get; init; }

    public double? NextLinkCorrelation { get; init; }
}

public sealed record CellStatus(
    int Id,
    int? Link,
    long ThroughputRows,
    long PacketRows,
    double WindowMeanGbps,
    double? WindowLossPercent,
    double? ClockOffsetMs,
    string? OffsetReference);
