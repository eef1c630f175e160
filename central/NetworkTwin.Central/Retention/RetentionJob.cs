using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Replicas;
using NetworkTwin.Central.Repository;
using NetworkTwin.Hosting;

namespace NetworkTwin.Central.Retention;

/// <summary>
/// Enforces Coordinator:Retention: every round (on the replica holding the lease) removes what has outlived its days,
/// each table its cheapest way (PostgreSQL drops whole days of results); on every replica, at start and each round, the
/// coming days' result partitions are made ready so that no day's results land in the default partition.
/// </summary>
internal sealed partial class RetentionJob(CoordinatorRepository repository, RetentionOptions options, SingletonLease lease, ILogger<RetentionJob> logger, TimeProvider time) : BackgroundService
{
    /// <summary>What one round removed.</summary>
    public sealed record Outcome(int DaysDropped, long ResultRows, long Rollups, int Commands, int Runs, int TopologyMaps, double Seconds)
    {
        public bool Removed => DaysDropped + ResultRows + Rollups + Commands + Runs + TopologyMaps > 0;
    }

    /// <summary>One round: everything older than its kind's days is removed.</summary>
    public Outcome RunOnce()
    {
        var clock = Stopwatch.StartNew();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long Before(int days) => now - (days * 86_400_000L);
        repository.Results.Prepare(now);
        var results = options.ResultsDays > 0 ? repository.Results.Expire(Before(options.ResultsDays)) : (Rows: 0L, Days: 0);
        long rollups = 0;
        foreach (var (seconds, days) in new[] { (10, options.TenSecondRollupDays), (60, options.MinuteRollupDays), (3600, options.HourRollupDays) })
        {
            rollups += days > 0 ? repository.Results.ExpireRollups(seconds, Before(days)) : 0;
        }

        return new Outcome(
            results.Days,
            results.Rows,
            rollups,
            options.CommandsDays > 0 ? repository.Commands.Expire(Before(options.CommandsDays)) : 0,
            options.RunsDays > 0 ? repository.Runs.Expire(Before(options.RunsDays)) : 0,
            options.TopologyMapsDays > 0 ? repository.Topology.Expire(Before(options.TopologyMapsDays)) : 0,
            clock.Elapsed.TotalSeconds);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            repository.Results.Prepare(time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Failed(logger, ex.Message, ex);
        }

        return PeriodicRounds.RunAsync(
            TimeSpan.FromMinutes(options.EveryMinutes),
            time,
            lease.Only("retention", _ =>
            {
                var outcome = RunOnce();
                if (outcome.Removed)
                {
                    Log.Removed(logger, outcome.DaysDropped, outcome.ResultRows, outcome.Rollups, outcome.Commands, outcome.Runs, outcome.TopologyMaps, outcome.Seconds);
                }

                return Task.CompletedTask;
            }),
            ex => Log.Failed(logger, ex.Message, ex),
            stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7060, Level = LogLevel.Information, Message = "Retention removed {Days} days of results whole and {Rows} result rows one by one, {Rollups} link rollups, {Commands} answered commands, {Runs} design and what-if runs and {Maps} link maps in {Seconds:0.0} s")]
        public static partial void Removed(ILogger logger, int days, long rows, long rollups, int commands, int runs, int maps, double seconds);

        [LoggerMessage(EventId = 7061, Level = LogLevel.Warning, Message = "Retention round failed: {Reason}. Nothing is lost; the next round tries again")]
        public static partial void Failed(ILogger logger, string reason, Exception exception);
    }
}
