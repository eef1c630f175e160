namespace NetworkTwin.Agent.Live;

/// <summary>
/// The last <see cref="Capacity"/> latency samples (ms), for percentiles in the status file: a
/// recent picture (10 s at 1,000 stamped batches/s), not one diluted by hours of history.
/// </summary>
internal sealed class LatencyRecorder
{
    public const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly double[] _samples = new double[Capacity];
    private long _count;

    public void Record(double milliseconds)
    {
        lock (_gate)
        {
            _samples[_count % Capacity] = milliseconds;
            _count++;
        }
    }

    public (long Samples, double P50, double P99, double Max) Summary()
    {
        double[] copy;
        long count;
        lock (_gate)
        {
            count = _count;
            copy = _samples.AsSpan(0, (int)Math.Min(count, Capacity)).ToArray();
        }

        if (copy.Length == 0)
        {
            return (0, 0, 0, 0);
        }

        Array.Sort(copy);
        double At(double q) => copy[Math.Min(copy.Length - 1, (int)Math.Floor(q * copy.Length))];
        return (count, At(0.50), At(0.99), copy[^1]);
    }
}
