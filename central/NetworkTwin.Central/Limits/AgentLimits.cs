using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Limits;

/// <summary>
/// What one agent may take (Coordinator:Limits): its open streams, its calls per second, and its results per second.
/// Results over the rate are not refused: the agent's uplink waits for tokens, so only its own acknowledgements slow
/// and its outbox keeps the rest; the other agents' batches go on. Streams and calls over their limit are refused
/// with RESOURCE_EXHAUSTED. Each throttled agent is logged once a minute and counted.
/// </summary>
internal sealed partial class AgentLimits : IDisposable
{
    private readonly LimitOptions _options;
    private readonly PartitionedRateLimiter<string> _streams;
    private readonly PartitionedRateLimiter<string> _calls;
    private readonly PartitionedRateLimiter<string> _results;
    private readonly KeyedLogGate _logGate;
    private readonly CoordinatorMetrics _metrics;
    private readonly ILogger<AgentLimits> _logger;

    public AgentLimits(LimitOptions options, CoordinatorMetrics metrics, TimeProvider time, ILogger<AgentLimits> logger)
    {
        _options = options;
        _metrics = metrics;
        _logGate = new(TimeSpan.FromMinutes(1), time);
        _logger = logger;
        _streams = RateLimits.Concurrency(options.AgentStreams);
        _calls = RateLimits.TokenBuckets(options.AgentCallsPerSecond, options.AgentCallsPerSecond * 5);
        _results = RateLimits.TokenBuckets(options.AgentResultsPerSecond, options.AgentResultsBurst);
    }

    /// <summary>A registration, acknowledgement or stream opening by <paramref name="agentId"/>; RESOURCE_EXHAUSTED beyond AgentCallsPerSecond.</summary>
    public void Call(string agentId, string what)
    {
        using var lease = _calls.Attempt(agentId);
        if (!lease.IsAcquired)
        {
            Throttled(agentId, ThrottleKind.Calls, $"{what}: more than Coordinator:Limits:AgentCallsPerSecond ({_options.AgentCallsPerSecond}/s)");
            throw RateLimits.Refused($"agent {agentId} makes calls faster than {_options.AgentCallsPerSecond}/s; retry later");
        }
    }

    /// <summary>A stream of <paramref name="agentId"/>, held until disposed; RESOURCE_EXHAUSTED beyond AgentStreams.</summary>
    public IDisposable Stream(string agentId, string what)
    {
        Call(agentId, what);
        var lease = _streams.Attempt(agentId);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            Throttled(agentId, ThrottleKind.Streams, $"{what}: already {_options.AgentStreams} streams open (Coordinator:Limits:AgentStreams)");
            throw RateLimits.Refused($"agent {agentId} already has {_options.AgentStreams} streams open; close one first");
        }

        return lease;
    }

    /// <summary>Waits until <paramref name="agentId"/> may store <paramref name="count"/> more results (at once while under its rate).</summary>
    public async ValueTask ResultsAsync(string agentId, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        using (var immediate = _results.Attempt(agentId, count))
        {
            if (immediate.IsAcquired)
            {
                return;
            }
        }

        Throttled(agentId, ThrottleKind.Results, $"more than Coordinator:Limits:AgentResultsPerSecond ({_options.AgentResultsPerSecond}/s, bursts of {_options.AgentResultsBurst}); its uplink is slowed and its outbox keeps what waits");
        using var lease = await _results.WaitAsync(agentId, count, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            // Only when more than a burst already waits (several uplinks of one agent at once).
            throw RateLimits.Refused($"agent {agentId} has more than {_options.AgentResultsBurst} results waiting for its rate of {_options.AgentResultsPerSecond}/s; retry later");
        }
    }

    public void Dispose()
    {
        _streams.Dispose();
        _calls.Dispose();
        _results.Dispose();
    }

    private void Throttled(string agentId, ThrottleKind kind, string why)
    {
        _metrics.Throttled(kind);
        if (_logGate.ShouldLog(agentId))
        {
            Log.Throttled(_logger, agentId, why);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7020, LogLevel.Warning, "Agent {AgentId} throttled: {Why} (logged once a minute per agent; networktwin_central_throttled counts each time)")]
        public static partial void Throttled(ILogger logger, string agentId, string why);
    }
}
