using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Hosting.Observability;

namespace NetworkTwin.Central.Limits;

/// <summary>
/// What one operator may take of the operators' API (Coordinator:Limits): calls per second and calls running at
/// once, per token name (per peer address when no tokens are configured). Beyond either, RESOURCE_EXHAUSTED, logged
/// once a minute per operator and counted.
/// </summary>
internal sealed partial class OperatorLimits : IDisposable
{
    private readonly LimitOptions _options;
    private readonly PartitionedRateLimiter<string> _rate;
    private readonly PartitionedRateLimiter<string> _running;
    private readonly KeyedLogGate _logGate;
    private readonly CoordinatorMetrics _metrics;
    private readonly ILogger<OperatorLimits> _logger;

    public OperatorLimits(LimitOptions options, CoordinatorMetrics metrics, TimeProvider time, ILogger<OperatorLimits> logger)
    {
        _options = options;
        _metrics = metrics;
        _logGate = new(TimeSpan.FromMinutes(1), time);
        _logger = logger;
        _rate = RateLimits.TokenBuckets(options.OperatorCallsPerSecond, options.OperatorCallsPerSecond * 5);
        _running = RateLimits.Concurrency(options.OperatorConcurrentCalls);
    }

    /// <summary>One call by <paramref name="who"/>, held until disposed.</summary>
    public IDisposable Enter(string who, string method)
    {
        using (var rate = _rate.Attempt(who))
        {
            if (!rate.IsAcquired)
            {
                Throttled(who, method, $"more than Coordinator:Limits:OperatorCallsPerSecond ({_options.OperatorCallsPerSecond}/s)");
                throw RateLimits.Refused($"{who} calls the operators' API faster than {_options.OperatorCallsPerSecond}/s; retry later");
            }
        }

        var running = _running.Attempt(who);
        if (!running.IsAcquired)
        {
            running.Dispose();
            Throttled(who, method, $"{_options.OperatorConcurrentCalls} calls already running (Coordinator:Limits:OperatorConcurrentCalls)");
            throw RateLimits.Refused($"{who} already has {_options.OperatorConcurrentCalls} calls running; wait for one to finish");
        }

        return running;
    }

    public void Dispose()
    {
        _rate.Dispose();
        _running.Dispose();
    }

    private void Throttled(string who, string method, string why)
    {
        _metrics.Throttled(ThrottleKind.Operator);
        if (_logGate.ShouldLog(who))
        {
            Log.Throttled(_logger, who, method, why);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(7021, LogLevel.Warning, "Operator {Operator} refused on {Method}: {Why} (logged once a minute per operator; networktwin_central_throttled counts each time)")]
        public static partial void Throttled(ILogger logger, string @operator, string method, string why);
    }
}
