using System.Diagnostics;

namespace NetworkTwin.Testing;

/// <summary>
/// Awaits a condition the system under test reaches in its own time (an agent registering, a queue
/// filling). On timeout it throws with what it waited for and the last value it saw, so a failure
/// says how far things got.
/// </summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, double seconds = 60, int everyMilliseconds = 50)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed.TotalSeconds > seconds)
            {
                throw new TimeoutException($"timed out after {seconds} s waiting for: {what} (last seen: {value})");
            }

            await Task.Delay(everyMilliseconds).ConfigureAwait(false);
        }
    }

    public static Task<T> UntilAsync<T>(Func<T> probe, Func<T, bool> done, string what, double seconds = 60, int everyMilliseconds = 50) =>
        UntilAsync(() => Task.FromResult(probe()), done, what, seconds, everyMilliseconds);

    public static Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 60, int everyMilliseconds = 50) =>
        UntilAsync(condition, b => b, what, seconds, everyMilliseconds);

    public static Task UntilAsync(Func<bool> condition, string what, double seconds = 60, int everyMilliseconds = 50) =>
        UntilAsync(() => Task.FromResult(condition()), b => b, what, seconds, everyMilliseconds);
}
