namespace NetworkTwin.Agent.Live;

/// <summary>What came in and what was refused, from every source. Thread-safe.</summary>
internal sealed class IngestCounters
{
    private long _messages;
    private long _rows;
    private long _malformedPayloads;
    private long _malformedLines;
    private long _rejectedTopics;
    private string? _lastProblem;
    private long _firstTicks;
    private long _lastTicks;

    public long Messages => Interlocked.Read(ref _messages);

    public long Rows => Interlocked.Read(ref _rows);

    public long MalformedPayloads => Interlocked.Read(ref _malformedPayloads);

    public long MalformedLines => Interlocked.Read(ref _malformedLines);

    public long RejectedTopics => Interlocked.Read(ref _rejectedTopics);

    public string? LastProblem => Volatile.Read(ref _lastProblem);

    public DateTimeOffset? FirstMessageAt => At(Interlocked.Read(ref _firstTicks));

    public DateTimeOffset? LastMessageAt => At(Interlocked.Read(ref _lastTicks));

    /// <summary>Stamps a handled message (any outcome) with the time it was handled.</summary>
    public void Handled(DateTimeOffset now)
    {
        Interlocked.CompareExchange(ref _firstTicks, now.UtcTicks, 0);
        Interlocked.Exchange(ref _lastTicks, now.UtcTicks);
    }

    private static DateTimeOffset? At(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);

    public void Accepted(long rows, long malformedLines)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _rows, rows);
        Interlocked.Add(ref _malformedLines, malformedLines);
    }

    public void RowsFromFile(long rows, long malformedLines)
    {
        Interlocked.Add(ref _rows, rows);
        Interlocked.Add(ref _malformedLines, malformedLines);
    }

    public void MalformedPayload(string problem)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Increment(ref _malformedPayloads);
        Volatile.Write(ref _lastProblem, problem);
    }

    public void RejectedTopic(string problem)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Increment(ref _rejectedTopics);
        Volatile.Write(ref _lastProblem, problem);
    }

    public void Problem(string problem) => Volatile.Write(ref _lastProblem, problem);
}
