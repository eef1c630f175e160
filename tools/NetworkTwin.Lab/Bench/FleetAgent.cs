using System.Diagnostics;
using Grpc.Core;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Lab.Bench;

/// <summary>
/// One simulated agent of <c>bench fleet</c>: registers, then every interval sends a window (one capacity result per link
/// and the loss evidence of its cells) over one uplink stream and waits for the acknowledgement, as the real agent does.
/// What is not acknowledged is kept and sent again after a reconnect, so a coordinator that dies loses nothing.
/// </summary>
internal sealed class FleetAgent(string id, string site, int links, FleetStats stats)
{
    private readonly List<Result> _unacknowledged = [];
    private long _next = 1;

    public string Id { get; } = id;

    /// <summary>The highest sequence the coordinators acknowledged as stored.</summary>
    public long StoredThrough { get; private set; }

    /// <summary>The highest sequence made.</summary>
    public long Made => _next - 1;

    public async Task RunAsync(AgentSync.AgentSyncClient client, TimeSpan every, TimeSpan phase, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(phase, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    await StreamAsync(client, every, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    // The replica went away (or the balancer cut the connection): back off a little, then register again
                    // through the balancer, which sends the connection to a replica that is up.
                    stats.Reconnected(ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : $"{ex.GetType().Name}: {ex.Message}");
                    await Task.Delay(TimeSpan.FromMilliseconds(500 + Random.Shared.Next(1000)), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task StreamAsync(AgentSync.AgentSyncClient client, TimeSpan every, CancellationToken cancellationToken)
    {
        var reply = await client.RegisterAsync(new RegisterRequest { AgentId = Id, Site = site, Version = "bench" }, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        Acknowledged(reply.LastSequenceStored);
        using var call = client.Uplink(cancellationToken: cancellationToken);
        using var timer = new PeriodicTimer(every);
        do
        {
            AddWindow();
            var batch = new UplinkBatch { AgentId = Id };
            batch.Results.AddRange(_unacknowledged.Take(1000));
            var sent = Stopwatch.GetTimestamp();
            await call.RequestStream.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("the coordinator ended the uplink");
            }

            stats.Acknowledged(Stopwatch.GetElapsedTime(sent), batch.Results.Count);
            Acknowledged(call.ResponseStream.Current.StoredThrough);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    private void Acknowledged(long through)
    {
        StoredThrough = Math.Max(StoredThrough, through);
        _unacknowledged.RemoveAll(r => r.Sequence <= through);
    }

    /// <summary>A window: each link's sizing and its cells' loss evidence, stamped now.</summary>
    private void AddWindow()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var cells = new List<int>();
        for (var link = 1; link <= links; link++)
        {
            int[] linkCells = [(link * 2) - 1, link * 2];
            cells.AddRange(linkCells);
            _unacknowledged.Add(new Result
            {
                Sequence = _next++,
                ProducedUnixMs = now,
                WindowEndSeconds = now / 1000.0,
                Link = new LinkCapacity { LinkId = link, Cells = { linkCells }, CapacityGbps = 10 + link, PeakGbps = 12 + link, MeanGbps = 4 + link, ObservedLossPercent = double.NaN, LossTarget = 0.01 },
            });
        }

        _unacknowledged.Add(new Result
        {
            Sequence = _next++,
            ProducedUnixMs = now,
            WindowEndSeconds = now / 1000.0,
            Loss = new CellLossEvents { CellId = cells[0], SlotSeconds = 0.0005, FirstSlot = now * 2, SlotGaps = { 3, 5, 8 } },
        });
    }
}

/// <summary>What the simulated agents saw, counted from all of them at once.</summary>
internal sealed class FleetStats
{
    /// <summary>Acknowledgement latency in 0.1 ms steps, up to 60 s (the last bucket takes the rest).</summary>
    private readonly long[] _latency = new long[600_001];
    private long _reconnects;
    private long _batches;
    private long _results;
    private long _maxTicks;

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long Batches => Interlocked.Read(ref _batches);

    public long Results => Interlocked.Read(ref _results);

    public TimeSpan Max => TimeSpan.FromTicks(Interlocked.Read(ref _maxTicks));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _causes = new(StringComparer.Ordinal);

    /// <summary>Why agents reconnected, most frequent first (status and detail, or the exception).</summary>
    public IEnumerable<(string Cause, long Count)> Causes => _causes.OrderByDescending(c => c.Value).Select(c => (c.Key, c.Value));

    public void Reconnected(string cause)
    {
        Interlocked.Increment(ref _reconnects);
        _causes.AddOrUpdate(cause.Length > 160 ? cause[..160] : cause, 1, (_, n) => n + 1);
    }

    public void Acknowledged(TimeSpan latency, int results)
    {
        Interlocked.Increment(ref _latency[Math.Min((int)(latency.TotalMilliseconds * 10), _latency.Length - 1)]);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _results, results);
        var ticks = latency.Ticks;
        for (var max = Interlocked.Read(ref _maxTicks); ticks > max; max = Interlocked.Read(ref _maxTicks))
        {
            if (Interlocked.CompareExchange(ref _maxTicks, ticks, max) == max)
            {
                break;
            }
        }
    }

    /// <summary>The acknowledgement latency below which <paramref name="fraction"/> of the batches came, in milliseconds.</summary>
    public double Percentile(double fraction)
    {
        var total = _latency.Sum();
        var wanted = (long)Math.Ceiling(total * fraction);
        long seen = 0;
        for (var i = 0; i < _latency.Length; i++)
        {
            seen += Interlocked.Read(ref _latency[i]);
            if (seen >= wanted && wanted > 0)
            {
                return (i + 1) / 10.0;
            }
        }

        return 0;
    }
}
