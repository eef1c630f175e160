using System.Text.Json;
using NetworkTwin.Contracts.Status;

namespace NetworkTwin.Testing;

/// <summary>The status document an agent writes every second into its data directory, read as a tool would.</summary>
public static class AgentStatusFile
{
    /// <summary>The latest status, or null before the first write (or while caught between two writes).</summary>
    public static async Task<AgentStatusDocument?> TryReadAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(dataDirectory, AgentStatusDocument.FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var stream = File.OpenRead(path);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<AgentStatusDocument>(stream, AgentStatusDocument.JsonOptions, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the agent's broker has granted every one of its topic filters, so that telemetry published
    /// from now on reaches it (a broker drops QoS 1 messages on topics nobody subscribes to).
    /// </summary>
    public static Task WaitSubscribedAsync(string dataDirectory, double seconds = 60) =>
        Poll.UntilAsync(
            () => TryReadAsync(dataDirectory),
            s => s?.Broker is { Connected: true } b && b.Subscribed >= b.Topics.Count && b.Topics.Count > 0,
            $"the agent in {dataDirectory} subscribed to its topics",
            seconds,
            everyMilliseconds: 100);
}
