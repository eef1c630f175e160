namespace NetworkTwin.Central.Metrics;

/// <summary>The coordinator's running counts, updated by the sync service as it works.</summary>
internal sealed class CoordinatorMetrics
{
    private long _registrations;
    private long _batches;
    private long _resultsStored;
    private long _duplicates;
    private long _uplinksOpen;
    private long _downlinksOpen;
    private long _commandsAcknowledged;
    private long _lastStoredUnixMs;
    private readonly long[] _throttled = new long[Enum.GetValues<Limits.ThrottleKind>().Length];

    public long Registrations => Interlocked.Read(ref _registrations);

    public long Batches => Interlocked.Read(ref _batches);

    public long ResultsStored => Interlocked.Read(ref _resultsStored);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long UplinksOpen => Interlocked.Read(ref _uplinksOpen);

    public long DownlinksOpen => Interlocked.Read(ref _downlinksOpen);

    public long CommandsAcknowledged => Interlocked.Read(ref _commandsAcknowledged);

    /// <summary>When a result was last stored (0: never), for how stale the twin is.</summary>
    public long LastStoredUnixMs => Interlocked.Read(ref _lastStoredUnixMs);

    public void Registered() => Interlocked.Increment(ref _registrations);

    public void Stored(int inserted, int duplicates)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _resultsStored, inserted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Exchange(ref _lastStoredUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    public void UplinkOpened() => Interlocked.Increment(ref _uplinksOpen);

    public void UplinkClosed() => Interlocked.Decrement(ref _uplinksOpen);

    public void DownlinkOpened() => Interlocked.Increment(ref _downlinksOpen);

    public void DownlinkClosed() => Interlocked.Decrement(ref _downlinksOpen);

    public void CommandAcknowledged() => Interlocked.Increment(ref _commandsAcknowledged);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (double Last, double Max, long Count)> _rounds = new();

    /// <summary>A singleton loop's round (control, topology, training) ran on this replica and took <paramref name="seconds"/>.</summary>
    public void RoundTook(string loop, double seconds) =>
        _rounds.AddOrUpdate(loop, (seconds, seconds, 1), (_, r) => (seconds, Math.Max(r.Max, seconds), r.Count + 1));

    /// <summary>Each singleton loop's last and longest round on this replica, and how many it ran.</summary>
    public IReadOnlyDictionary<string, (double Last, double Max, long Count)> Rounds => _rounds;

    /// <summary>One act of a limit (Coordinator:Limits): a batch slowed or a call refused.</summary>
    public void Throttled(Limits.ThrottleKind kind) => Interlocked.Increment(ref _throttled[(int)kind]);

    /// <summary>How often each limit acted since start.</summary>
    public long ThrottledCount(Limits.ThrottleKind kind) => Interlocked.Read(ref _throttled[(int)kind]);
}
