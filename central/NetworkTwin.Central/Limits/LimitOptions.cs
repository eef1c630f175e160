using System.ComponentModel.DataAnnotations;

namespace NetworkTwin.Central.Limits;

/// <summary>
/// Coordinator:Limits: what one agent and one operator may take of the coordinator, so that a misbehaving one
/// (a loop of reconnects, a flood of results, a script hammering the API) is slowed or refused alone.
/// </summary>
internal sealed record LimitOptions
{
    /// <summary>Streams one agent may hold open at once (an agent uses two: results up, commands down): default 4, 1..64. Beyond it a stream is refused with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 64)]
    public int AgentStreams { get; init; } = 4;

    /// <summary>Results per second one agent may store, sustained: default 5000, 1..1000000. Faster, its uplink is slowed (its acknowledgements wait); the agent's outbox keeps what waits, nothing is refused.</summary>
    [Range(1, 1_000_000)]
    public int AgentResultsPerSecond { get; init; } = 5000;

    /// <summary>Results one agent may send at once before the rate applies (catching up after an outage): default 20000, 5000..10000000 (one batch holds up to 5000).</summary>
    [Range(5000, 10_000_000)]
    public int AgentResultsBurst { get; init; } = 20_000;

    /// <summary>Other calls per second of one agent (registrations, command acknowledgements, streams opened), with bursts of five seconds' worth: default 10, 1..10000. Beyond, RESOURCE_EXHAUSTED.</summary>
    [Range(1, 10_000)]
    public int AgentCallsPerSecond { get; init; } = 10;

    /// <summary>Calls per second to the operators' API from one operator (token name; the peer's address without tokens), with bursts of five seconds' worth: default 20, 1..10000. Beyond, RESOURCE_EXHAUSTED.</summary>
    [Range(1, 10_000)]
    public int OperatorCallsPerSecond { get; init; } = 20;

    /// <summary>Calls one operator may have running at once: default 8, 1..256. Beyond, RESOURCE_EXHAUSTED.</summary>
    [Range(1, 256)]
    public int OperatorConcurrentCalls { get; init; } = 8;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void Check(int value, int min, int max, string name)
        {
            if (value < min || value > max)
            {
                errors.Add($"Coordinator:Limits:{name} must be {min}..{max} (got {value}).");
            }
        }

        Check(AgentStreams, 1, 64, nameof(AgentStreams));
        Check(AgentResultsPerSecond, 1, 1_000_000, nameof(AgentResultsPerSecond));
        Check(AgentResultsBurst, 5000, 10_000_000, nameof(AgentResultsBurst));
        Check(AgentCallsPerSecond, 1, 10_000, nameof(AgentCallsPerSecond));
        Check(OperatorCallsPerSecond, 1, 10_000, nameof(OperatorCallsPerSecond));
        Check(OperatorConcurrentCalls, 1, 256, nameof(OperatorConcurrentCalls));
        return errors;
    }
}
