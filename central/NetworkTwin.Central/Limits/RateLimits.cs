using System.Threading.RateLimiting;
using Grpc.Core;

namespace NetworkTwin.Central.Limits;

/// <summary>The System.Threading.RateLimiting shapes the limits use: per-key token buckets and concurrency caps, and the refusal callers see.</summary>
internal static class RateLimits
{
    /// <summary>A token bucket per key: <paramref name="perSecond"/> sustained, <paramref name="burst"/> at once; waits queue up to one burst.</summary>
    public static PartitionedRateLimiter<string> TokenBuckets(int perSecond, int burst) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ =>
        {
            // Refilled ten times a second where the rate allows, so a wait is short and even; else one token at a time.
            var (period, tokens) = perSecond >= 10 ? (TimeSpan.FromMilliseconds(100), perSecond / 10) : (TimeSpan.FromSeconds(1.0 / perSecond), 1);
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = period,
                QueueLimit = burst,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            };
        }));

    /// <summary>At most <paramref name="permits"/> at once per key, no queue.</summary>
    public static PartitionedRateLimiter<string> Concurrency(int permits) => PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = 0 }));

    /// <summary>
    /// <c>AttemptAcquire</c>, tried again once when the key's limiter was disposed under it: the partitioned limiter disposes
    /// a key's idle limiter on its own timer, and an acquire that races it throws (dotnet/runtime#99865; seen here with
    /// 10,000 agents). The limiter is out of the table by then, so the second try gets a fresh one.
    /// </summary>
    public static RateLimitLease Attempt(this PartitionedRateLimiter<string> limiter, string key, int permits = 1)
    {
        try
        {
            return limiter.AttemptAcquire(key, permits);
        }
        catch (ObjectDisposedException)
        {
            return limiter.AttemptAcquire(key, permits);
        }
    }

    /// <summary><c>AcquireAsync</c>, tried again once as <see cref="Attempt"/> is.</summary>
    public static async ValueTask<RateLimitLease> WaitAsync(this PartitionedRateLimiter<string> limiter, string key, int permits, CancellationToken cancellationToken)
    {
        try
        {
            return await limiter.AcquireAsync(key, permits, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return await limiter.AcquireAsync(key, permits, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A call refused for a limit: RESOURCE_EXHAUSTED, which gRPC clients treat as "retry later".</summary>
    public static RpcException Refused(string detail) => new(new Status(StatusCode.ResourceExhausted, detail));
}
