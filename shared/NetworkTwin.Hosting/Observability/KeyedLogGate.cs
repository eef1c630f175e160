using System.Collections.Concurrent;

namespace NetworkTwin.Hosting.Observability;

/// <summary>
/// Lets a recurring report about one party (an agent, an operator) through at most once per interval, so one that
/// keeps misbehaving is logged, not logged per call; the metrics count every time. One entry per key for the
/// process's life: keys are parties already authenticated, so they are bounded by the estate.
/// </summary>
public sealed class KeyedLogGate(TimeSpan every, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _lastLogged = new(StringComparer.Ordinal);

    public TimeSpan Every => every;

    /// <summary>True when <paramref name="key"/> was not let through in the last interval (and now is).</summary>
    public bool ShouldLog(string key)
    {
        var now = time.GetTimestamp();
        var last = _lastLogged.GetOrAdd(key, 0);
        if (last != 0 && time.GetElapsedTime(last, now) < every)
        {
            return false;
        }

        return _lastLogged.TryUpdate(key, now, last);
    }
}
