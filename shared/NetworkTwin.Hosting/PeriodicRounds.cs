namespace NetworkTwin.Hosting;

/// <summary>The loop of a service that does its work in rounds (discover, train, decide): one round per interval until stopped.</summary>
public static class PeriodicRounds
{
    /// <summary>
    /// Runs <paramref name="round"/> every <paramref name="interval"/> (none when it is not positive) until
    /// <paramref name="stoppingToken"/> fires. A round that fails is handed to <paramref name="failed"/> and the
    /// next round runs: the state lives in the repository, so one failed round (the database away, say) loses nothing.
    /// </summary>
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, Func<CancellationToken, Task> round, Action<Exception> failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(failed);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await round(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed(ex);
            }
        }
    }
}
