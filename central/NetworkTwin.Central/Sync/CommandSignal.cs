using System.Collections.Concurrent;

namespace NetworkTwin.Central.Sync;

/// <summary>Wakes an agent's downlink as soon as a command is issued for it (the downlink also polls, as a fallback).</summary>
public sealed class CommandSignal
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

    public void Notify(string agentId)
    {
        if (_waiting.TryRemove(agentId, out var signal))
        {
            signal.TrySetResult();
        }
    }
}
