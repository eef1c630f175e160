using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetworkTwin.Agent.Configuration;
using NetworkTwin.Agent.Live;
using NetworkTwin.Contracts.Status;
using NetworkTwin.Contracts.Telemetry;
using NetworkTwin.Telemetry.Files;

namespace NetworkTwin.Agent.Ingest;

/// <summary>
/// Tails the throughput-cell-N.dat and pkt-stats-cell-N.dat files that RUs and DUs write into
/// <c>Agent:Ingest:TailDirectory</c>, polling (robust on every file system, unlike change
/// notifications), including files that appear later and files that are rotated.
/// </summary>
internal sealed partial class FileTailWorker(IOptions<AgentOptions> options, LiveTwin twin, ILogger<FileTailWorker> logger, TimeProvider time)
    : BackgroundService
{
    private readonly Dictionary<string, FileTail> _tails = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IReadOnlyList<TailedFileStatus> Files()
    {
        lock (_gate)
        {
            return [.. _tails.Values.Select(t => t.Status())];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = options.Value.Ingest.TailDirectory;
        if (string.IsNullOrWhiteSpace(folder))
        {
            return;
        }

        Log.Watching(logger, folder);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.Ingest.TailPollMilliseconds), time);
        try
        {
            do
            {
                await PollOnceAsync(folder, stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task PollOnceAsync(string folder, CancellationToken cancellationToken)
    {
        IEnumerable<FileInfo> files;
        try
        {
            files = new DirectoryInfo(folder).EnumerateFiles("*.dat").ToList();
        }
        catch (IOException ex)
        {
            twin.Counters.Problem($"{folder}: {ex.Message}");
            return;
        }

        foreach (var info in files)
        {
            var recognised = FronthaulFile.TryRecognise(info);
            if (recognised is null || recognised.Kind == FronthaulFileKind.SlotTable)
            {
                continue;
            }

            if (!_tails.TryGetValue(info.FullName, out var tail))
            {
                var cell = twin.Cell(recognised.CellId);
                if (cell is null)
                {
                    continue;
                }

                var kind = recognised.Kind == FronthaulFileKind.Throughput ? TelemetryKind.Throughput : TelemetryKind.PacketStats;
                tail = new FileTail(info.FullName, recognised.CellId, kind, cell);
                lock (_gate)
                {
                    _tails[info.FullName] = tail;
                }

                Log.Following(logger, info.FullName, recognised.CellId);
            }

            try
            {
                var wasRejected = tail.Rejected is not null;
                var (rows, malformed, rotated) = await tail.PollAsync(cancellationToken).ConfigureAwait(false);
                if (rotated)
                {
                    Log.Rotated(logger, tail.Path);
                }

                if (tail.Rejected is { } why && !wasRejected)
                {
                    twin.Counters.Problem(why);
                    Log.Rejected(logger, why);
                }

                twin.Counters.RowsFromFile(rows, malformed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone between listing and opening, or not readable: try again next poll.
                twin.Counters.Problem($"{tail.Path}: {ex.Message}");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3001, LogLevel.Information, "Tailing telemetry files in {Folder} (throughput-cell-N.dat, pkt-stats-cell-N.dat)")]
        public static partial void Watching(ILogger logger, string folder);

        [LoggerMessage(3002, LogLevel.Information, "Following {Path} as cell {Cell}")]
        public static partial void Following(ILogger logger, string path, int cell);

        [LoggerMessage(3003, LogLevel.Information, "{Path} was rotated or truncated; reading the new file from its start")]
        public static partial void Rotated(ILogger logger, string path);

        [LoggerMessage(3004, LogLevel.Error, "Stopped reading a file: {Reason} It is read again once it is rotated or replaced")]
        public static partial void Rejected(ILogger logger, string reason);
    }
}
