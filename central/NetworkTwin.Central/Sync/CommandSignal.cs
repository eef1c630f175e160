using System.Collections.Concurrent;

namespace NetworkTwin.Central.Sync;

/// <summary>
/// Wakes an agent's downlink as soon as a command is issued for it, here or (through the repository's notifications)
/// on another coordinator; the downlink also polls, as a fallback. A notification that comes while the downlink is
/// busy is kept, so its next wait returns at once rather than missing it.
/// </summary>
internal sealed class CommandSignal
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>Completes when <see cref="Notify"/> is called for the agent, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(string agentId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signal = _waiting.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _waiting.TryRemove(KeyValuePair.Create(agentId, signal));
    }

    public void Notify(string agentId) =>
        _waiting.GetOrAdd(agentId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Wakes every downlink waiting here (after notifications may have been missed: they read their pending commands again).</summary>
    public void NotifyAll()
    {
        foreach (var signal in _waiting.Values)
        {
            signal.TrySetResult();
        }
    }
}
