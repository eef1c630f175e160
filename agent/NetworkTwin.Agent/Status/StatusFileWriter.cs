using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Ingest;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Agent.Status;

/// <summary>
/// Writes <c>status.json</c> into the data directory every second (write to a temporary file,
/// then rename, so a reader never sees half a file). <c>networktwin agent status</c> reads it.
/// </summary>
internal sealed partial class StatusFileWriter(
    IOptions<AgentOptions> options,
    LiveTwin twin,
    MqttIngestWorker mqtt,
    FileTailWorker files,
    Outbox.ResultOutbox outbox,
    Sync.SyncWorker uplink,
    Forecast.ModelSlot models,
    Forecast.LinkForecasts forecasts,
    Control.CapacityTargets targets,
    ILogger<StatusFileWriter> logger,
    TimeProvider time) : BackgroundService
{
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private (long Messages, long Rows, long Ticks) _previous = (0, 0, Stopwatch.GetTimestamp());
    private bool _warnedWrite;
    private AgentStatusDocument? _latest;

    /// <summary>The document last written (at most a second old), for /metrics and /readyz; null before the first.</summary>
    public AgentStatusDocument? Latest => Volatile.Read(ref _latest);

    public string StatusPath => Path.Combine(options.Value.ResolvedDataDirectory, AgentStatusDocument.FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            do
            {
                await WriteAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // A last snapshot on the way out, so the file shows the final counts.
        await WriteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    internal AgentStatusDocument Snapshot()
    {
        var counters = twin.Counters;
        var now = Stopwatch.GetTimestamp();
        var seconds = Math.Max(1e-3, Stopwatch.GetElapsedTime(_previous.Ticks, now).TotalSeconds);
        var messages = counters.Messages;
        var rows = counters.Rows;
        var ingest = new IngestStatus(
            messages,
            rows,
            counters.MalformedPayloads,
            counters.MalformedLines,
            counters.RejectedTopics,
            twin.Cells.Sum(c => c.LateRows),
            Math.Round((messages - _previous.Messages) / seconds, 1),
            Math.Round((rows - _previous.Rows) / seconds, 1),
            counters.LastProblem,
            files.Files())
        {
            FirstMessageAt = counters.FirstMessageAt,
            LastMessageAt = counters.LastMessageAt,
        };
        _previous = (messages, rows, now);

        BrokerStatus? broker = null;
        if (mqtt.Client is { } client)
        {
            var s = client.GetStatistics();
            broker = new BrokerStatus(client.Endpoint, s.Connected, s.ConnectedSince, s.Connects, s.ConnectionFailures, s.ProtocolErrors, s.LastError, mqtt.Topics, s.InboundQueued, s.Subscriptions);
        }

        var latency = twin.Latency.Summary();
        var evaluation = twin.Latest;
        var report = evaluation?.Report;
        var window = new WindowStatus(
            twin.WindowSeconds,
            twin.DataTimeSeconds,
            twin.Evaluations,
            Math.Round(evaluation?.ElapsedMs ?? 0, 2),
            evaluation?.At,
            report?.Discovery.Statement,
            twin.LastEvaluationError)
        {
            LastEvaluationAllocatedBytes = evaluation?.AllocatedBytes ?? 0,
        };
        var links = report?.Links.Select(l => new LinkStatus(l.Id, l.Cells, l.CapacityGbps, l.CapacityNoBufferGbps, l.PeakGbps, l.MeanGbps, l.ObservedLossPercent)
        {
            TargetGbps = targets.TargetGbps(l.Id),
            ClockGroups = l.ClockGroups,
            MeanCorrelation = l.MeanCorrelation,
            NextLink = l.NextLink,
            NextLinkCorrelation = l.NextLinkCorrelation,
        }).ToList() ?? [];
        var placed = report?.Cells.ToDictionary(c => c.Id) ?? [];
        var cells = twin.Cells.Select(c =>
        {
            var (mean, loss) = c.Live();
            var r = placed.GetValueOrDefault(c.CellId);
            return new CellStatus(c.CellId, r?.Link, c.ThroughputRows, c.PacketRows, Math.Round(mean, 4), loss is { } l ? Math.Round(l, 4) : null, r?.ClockOffsetMs, r?.OffsetReference);
        }).ToList();

        using var process = Process.GetCurrentProcess();
        return new AgentStatusDocument(
            options.Value.Site,
            Assembly.GetExecutingAssembly().GetName().Version?.ToString() ?? "0",
            Environment.ProcessId,
            _startedAt,
            time.GetUtcNow(),
            process.WorkingSet64,
            GC.GetGCMemoryInfo().HeapSizeBytes,
            broker,
            ingest,
            new LatencyStatus(latency.Samples, Math.Round(latency.P50, 3), Math.Round(latency.P99, 3), Math.Round(latency.Max, 3)),
            window,
            links,
            cells,
            report?.Warnings ?? [])
        {
            ManagedCommittedBytes = GC.GetGCMemoryInfo().TotalCommittedBytes,
            Outbox = outbox.Counts() is var o ? new OutboxStatus(o.Pending, o.PendingBytes, o.Dropped, o.LastSequence) : null,
            Coordinator = uplink.Status(),
            Forecast = models.Current is var (name, version) ? new ForecastStatus(name, version, forecasts.Produced, forecasts.Anomalies) : null,
        };
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var path = StatusPath;
        var temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var stream = File.Create(temp);
            await using (stream.ConfigureAwait(false))
            {
                var document = Snapshot();
                Volatile.Write(ref _latest, document);
                await JsonSerializer.SerializeAsync(stream, document, AgentStatusJson.Default.AgentStatusDocument, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
            _warnedWrite = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_warnedWrite)
            {
                Log.CannotWrite(logger, path, ex.Message);
                _warnedWrite = true;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Warning, "Cannot write the status file {Path}: {Reason}. Ingest goes on; 'networktwin agent status' shows stale data until this is fixed")]
        public static partial void CannotWrite(ILogger logger, string path, string reason);
    }
}
