namespace NetworkTwin.Agent.Live;

/// <summary>
/// How often the agent has actually evaluated its window lately: the median gap between the last evaluations, by the
/// wall clock. The coordinator trains a forecast model on the spacing of the results it receives, so an agent that
/// cannot keep its configured interval (a slow box, many cells) is sent a model for the interval it does keep; the
/// model slot accepts that one too. Thread-safe.
/// </summary>
internal sealed class EvaluationCadence
{
    /// <summary>Gaps the median is taken over, and the fewest before there is one.</summary>
    public const int Gaps = 15;
    public const int FewestGaps = 3;

    private readonly Lock _gate = new();
    private readonly long[] _atMs = new long[Gaps + 1];
    private int _count;
    private int _next;

    public void Record(DateTimeOffset at)
    {
        lock (_gate)
        {
            _atMs[_next] = at.ToUnixTimeMilliseconds();
            _next = (_next + 1) % _atMs.Length;
            _count = Math.Min(_count + 1, _atMs.Length);
        }
    }

    /// <summary>The median gap between the recent evaluations in seconds; null before <see cref="FewestGaps"/> gaps.</summary>
    public double? MedianIntervalSeconds
    {
        get
        {
            lock (_gate)
            {
                if (_count <= FewestGaps)
                {
                    return null;
                }

                var times = new long[_count];
                for (var i = 0; i < _count; i++)
                {
                    times[i] = _atMs[(_next - _count + i + _atMs.Length) % _atMs.Length];
                }

                var gaps = times.Zip(times.Skip(1), (a, b) => (b - a) / 1000.0).Order().ToArray();
                return gaps[gaps.Length / 2];
            }
        }
    }
}
