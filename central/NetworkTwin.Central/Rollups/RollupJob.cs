using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Replicas;
using NetworkTwin.Central.Repository;
using NetworkTwin.Hosting;

namespace NetworkTwin.Central.Rollups;

/// <summary>
/// Derives the minute and hour link rollups from the ten-second ones (Coordinator:Rollups), on the replica holding the
/// lease: each round recomputes the buckets since a little before the last round, so a window that arrived late is
/// counted too. A window older than that when it arrives is in the ten-second rollups only.
/// </summary>
internal sealed partial class RollupJob(CoordinatorRepository repository, RollupOptions options, SingletonLease lease, ILogger<RollupJob> logger, TimeProvider time) : BackgroundService
{
    /// <summary>How far before the last round each round reaches back, and how far the first round after a start does.</summary>
    internal static readonly TimeSpan Overlap = TimeSpan.FromMinutes(2);

    private long _lastUnixMs;

    /// <summary>One round: the minute and hour buckets since a little before the last round; returns the rows written.</summary>
    public int RunOnce()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var from = (_lastUnixMs > 0 ? _lastUnixMs : now) - (long)Overlap.TotalMilliseconds;
        var written = repository.Results.RollUp(from);
        _lastUnixMs = now;
        return written;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicRounds.RunAsync(
            TimeSpan.FromSeconds(options.EverySeconds),
            time,
            lease.Only("rollups", _ =>
            {
                RunOnce();
                return Task.CompletedTask;
            }),
            ex => Log.Failed(logger, ex.Message, ex),
            stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7062, Level = LogLevel.Warning, Message = "Deriving the minute and hour rollups failed: {Reason}. The ten-second rollups are complete; the next round tries again")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
