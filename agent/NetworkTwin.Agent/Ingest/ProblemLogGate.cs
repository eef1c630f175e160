namespace NetworkTwin.Agent.Ingest;

/// <summary>
/// Lets the first few reports of a recurring problem through, then one in every
/// <see cref="Every"/>, so a broken publisher cannot flood the field engineer's log files.
/// </summary>
internal sealed class ProblemLogGate
{
    public const int FirstFew = 10;
    public const int Every = 1000;

    private long _count;

    /// <summary>True when this occurrence should be logged; <paramref name="count"/> is its number.</summary>
    public bool ShouldLog(out long count)
    {
        count = Interlocked.Increment(ref _count);
        return count <= FirstFew || count % Every == 0;
    }
}
