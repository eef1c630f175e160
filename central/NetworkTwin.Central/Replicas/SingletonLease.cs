using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Repository;

namespace NetworkTwin.Central.Replicas;

/// <summary>
/// The lease on the singleton loops: this replica tries to take or renew it every quarter of the lease, on the repository's
/// clock, and runs those loops only while it holds it. It counts as held only while its last renewal is younger than
/// the lease less one renewal, so a replica cut off from the database stops acting before another can take over; a
/// replica that stops cleanly gives the lease up at once. On SQLite (one node's own file) the coordinator takes the
/// lease over as it starts, so a restart after a crash does not wait for its predecessor's lease to run out, and says
/// so when another live coordinator had it: replicas need PostgreSQL.
/// </summary>
internal sealed partial class SingletonLease(CoordinatorRepository repository, ReplicaOptions options, Metrics.CoordinatorMetrics metrics, ILogger<SingletonLease> logger, TimeProvider time) : BackgroundService
{
    /// <summary>The one lease the singleton loops share.</summary>
    public const string Name = Repository.LeaseStore.SingletonLoops;

    private long _renewedAt = -1;
    private bool _held;

    /// <summary>This replica, as the lease names it: host, process and a random part (two processes may share a pid across hosts).</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The holder after the latest attempt (this replica or another), or null before the first.</summary>
    public string? LastSeenHolder { get; private set; }

    public bool IsHeld
    {
        get
        {
            var renewed = Interlocked.Read(ref _renewedAt);
            return Volatile.Read(ref _held) && renewed >= 0
                && time.GetElapsedTime(renewed) < TimeSpan.FromSeconds(options.LeaseSeconds) - options.RenewEvery;
        }
    }

    /// <summary>A loop's round that runs only on the replica that holds the lease (on the others it is skipped), timed as <paramref name="loop"/>.</summary>
    public Func<CancellationToken, Task> Only(string loop, Func<CancellationToken, Task> round) =>
        async cancellationToken =>
        {
            if (IsHeld)
            {
                var started = time.GetTimestamp();
                try
                {
                    await round(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    metrics.RoundTook(loop, time.GetElapsedTime(started).TotalSeconds);
                }
            }
        };

    /// <summary>One attempt to take or renew the lease (with <paramref name="takeOver"/>, whoever has it).</summary>
    public void Renew(bool takeOver = false)
    {
        var started = time.GetTimestamp();
        string holder;
        try
        {
            holder = repository.Leases.TryHold(Name, Holder, TimeSpan.FromSeconds(options.LeaseSeconds), takeOver);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            if (Volatile.Read(ref _held))
            {
                Log.CannotRenew(logger, ex.Message);
            }

            return;
        }

        var held = holder == Holder;
        if (held)
        {
            Interlocked.Exchange(ref _renewedAt, started);
        }

        if (held != Volatile.Read(ref _held))
        {
            if (held)
            {
                Log.Acquired(logger, Holder, options.LeaseSeconds);
            }
            else
            {
                Log.Lost(logger, Holder, holder);
            }
        }

        Volatile.Write(ref _held, held);
        LastSeenHolder = holder;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var single = !repository.SharedByReplicas;
        if (single && SafeHolder() is { RemainingMs: > 0 } other && other.Holder != Holder)
        {
            Log.NotReplicas(logger, other.Holder, repository.Description);
        }

        Renew(takeOver: single);
        using var timer = new PeriodicTimer(options.RenewEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Renew();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private (string Holder, long RemainingMs)? SafeHolder()
    {
        try
        {
            return repository.Leases.Holder(Name);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            return null;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _held))
        {
            Volatile.Write(ref _held, false);
            try
            {
                repository.Leases.Release(Name, Holder);
                Log.Released(logger, Holder);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
            {
                // Not given up: it expires on its own, and another coordinator takes it then.
                Log.CannotRelease(logger, ex.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7050, Level = LogLevel.Information, Message = "This coordinator ({Holder}) holds the lease on the singleton loops (topology, training, control) for {Seconds} s at a time")]
        public static partial void Acquired(ILogger logger, string holder, int seconds);

        [LoggerMessage(EventId = 7051, Level = LogLevel.Warning, Message = "This coordinator ({Holder}) no longer holds the lease on the singleton loops; {Other} does: they stop here")]
        public static partial void Lost(ILogger logger, string holder, string other);

        [LoggerMessage(EventId = 7052, Level = LogLevel.Warning, Message = "Cannot renew the lease on the singleton loops: {Reason}. They stop here once it would have expired, and another coordinator may take over")]
        public static partial void CannotRenew(ILogger logger, string reason);

        [LoggerMessage(EventId = 7054, Level = LogLevel.Warning, Message = "Another coordinator ({Other}) was running the singleton loops on {Repository} until now; this one takes them over. SQLite is one node's repository: coordinator replicas need PostgreSQL (Coordinator:Repository:Provider=postgresql)")]
        public static partial void NotReplicas(ILogger logger, string other, string repository);

        [LoggerMessage(EventId = 7057, Level = LogLevel.Information, Message = "Could not give the lease on the singleton loops up as this coordinator stops ({Reason}); another takes it when it expires")]
        public static partial void CannotRelease(ILogger logger, string reason);

        [LoggerMessage(EventId = 7053, Level = LogLevel.Information, Message = "This coordinator ({Holder}) gave the lease on the singleton loops up as it stops")]
        public static partial void Released(ILogger logger, string holder);
    }
}
