using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Sync;

/// <summary>
/// Coordinator:Limits on a real coordinator over HTTP/2: a flooding agent is slowed to its own rate while another
/// agent's acknowledgements stay prompt; too many streams of one agent, and an operator over its call rate, are refused.
/// </summary>
public sealed class AgentLimitsTests : IAsyncLifetime
{
    private const int Rate = 2000;
    private const int Burst = 5000;
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-limits-").FullName;
    private readonly int _port = LoopbackPort.Free();
    private WebApplication _coordinator = null!;

    public async Task InitializeAsync()
    {
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:Limits:AgentResultsPerSecond"] = Rate.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Limits:AgentResultsBurst"] = Burst.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Limits:AgentStreams"] = "2",
            ["Coordinator:Limits:OperatorCallsPerSecond"] = "2",
            ["Coordinator:Topology:EverySeconds"] = "3600",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:NetworkTwin.Central.Sync.AgentSyncService"] = "Information",
        }));
        await _coordinator.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Uplink_OneAgentFloods_ItIsSlowedToItsRateWhileAnotherAgentsAcknowledgementsStayPrompt()
    {
        using var channel = CoordinatorClients.Channel(_port);
        using var flooding = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var flood = FloodAsync(channel, "flood", flooding.Token);

        // The quiet agent: 10 results every 100 ms on its own uplink, each acknowledgement timed.
        var latencies = new List<double>();
        using (var quiet = channel.AgentSync().Uplink())
        {
            for (var b = 0; b < 25; b++)
            {
                var sent = Stopwatch.StartNew();
                await quiet.RequestStream.WriteAsync(Batch("quiet", (b * 10) + 1, 10));
                Assert.True(await quiet.ResponseStream.MoveNext(CancellationToken.None));
                latencies.Add(sent.Elapsed.TotalMilliseconds);
                Assert.Equal((b * 10) + 10, quiet.ResponseStream.Current.StoredThrough);
                await Task.Delay(100);
            }

            await quiet.RequestStream.CompleteAsync();
        }

        await flooding.CancelAsync();
        var floodStored = await flood;
        var seconds = clock.Elapsed.TotalSeconds;

        // Without the limit SQLite takes the flood's 5000-result batches as fast as it writes them, several times this.
        var allowed = Burst + (Rate * seconds) + 5000;
        Assert.True(floodStored <= allowed, $"the flooding agent stored {floodStored} results in {seconds:F1} s; its limit allows {allowed:F0}");
        Assert.True(floodStored >= Burst, $"the flooding agent stored only {floodStored} results: it was stopped, not slowed");
        // Prompt for the quiet agent: a limit shared by all agents would hold most of its 25 batches for seconds. One
        // acknowledgement late by a pause of the loaded 2-core machine (1,059 ms once in CI, median 2 ms) is not that.
        latencies.Sort();
        var median = latencies[latencies.Count / 2];
        var ninetieth = latencies[(int)(0.9 * (latencies.Count - 1))];
        Assert.True(median < 250 && ninetieth < 1000, $"the quiet agent's acknowledgements took {median:F0} ms (median), {ninetieth:F0} ms (90th percentile), up to {latencies[^1]:F0} ms");
    }

    [Fact]
    public async Task Downlink_MoreStreamsOfOneAgentThanTheLimit_RefusedWithResourceExhausted_OtherAgentUnaffected()
    {
        using var channel = CoordinatorClients.Channel(_port);
        using var stop = new CancellationTokenSource();
        using var first = channel.AgentSync().Downlink(new DownlinkRequest { AgentId = "greedy" }, cancellationToken: stop.Token);
        using var second = channel.AgentSync().Downlink(new DownlinkRequest { AgentId = "greedy" }, cancellationToken: stop.Token);
        await Opened(channel, 2);
        using var third = channel.AgentSync().Downlink(new DownlinkRequest { AgentId = "greedy" }, cancellationToken: stop.Token);
        using var other = channel.AgentSync().Downlink(new DownlinkRequest { AgentId = "modest" }, cancellationToken: stop.Token);

        var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(CancellationToken.None));
        await Opened(channel, 3);
        await stop.CancelAsync();

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("agent greedy already has 2 streams open", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperatorsApi_OverTheCallRate_RefusedWithResourceExhausted()
    {
        using var channel = CoordinatorClients.Channel(_port);
        var operators = channel.Operators();
        RpcException? refused = null;

        // Two per second with bursts of ten: the burst passes, the calls after it are refused.
        for (var i = 0; i < 30 && refused is null; i++)
        {
            try
            {
                await operators.ListAgentsAsync(new ListAgentsRequest());
            }
            catch (RpcException ex)
            {
                refused = ex;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("peer 127.0.0.1 calls the operators' API faster than 2/s", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uplink_AgentClockAnHourAhead_IsWarnedOncePerAgentNotPerBatch()
    {
        using var channel = CoordinatorClients.Channel(_port);
        using (var call = channel.AgentSync().Uplink())
        {
            for (var b = 0; b < 3; b++)
            {
                await call.RequestStream.WriteAsync(Batch("stepped", (b * 10) + 1, 10, TimeSpan.FromHours(1)));
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            }

            await call.RequestStream.CompleteAsync();
        }

        string[] warnings = [];
        for (var clock = Stopwatch.StartNew(); warnings.Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            warnings = [.. Directory.GetFiles(Path.Combine(_dir, "logs"), "central-*.log").SelectMany(ReadShared).Where(l => l.Contains("Agent stepped stamps its results", StringComparison.Ordinal))];
        }

        var warning = Assert.Single(warnings);
        var seconds = System.Text.RegularExpressions.Regex.Match(warning, @"stamps its results (\d+) s ahead of the coordinator's clock");
        Assert.True(seconds.Success, warning);
        Assert.InRange(int.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture), 3590, 3600);
    }

    [Fact]
    public async Task Uplink_TheAgentResetsItsStream_TheLogSaysSoInOneLine_NotAsAServerError()
    {
        using var channel = CoordinatorClients.Channel(_port);
        using (var call = channel.AgentSync().Uplink())
        {
            await call.RequestStream.WriteAsync(Batch("resetting", 1, 10));
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(10, call.ResponseStream.Current.StoredThrough);

            // Disposed without completing its side: the client resets the stream, as an agent that stops does.
        }

        string[] lines = [];
        for (var clock = Stopwatch.StartNew(); !lines.Any(l => l.Contains("Agent resetting's uplink ended", StringComparison.Ordinal)) && clock.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            lines = [.. Directory.GetFiles(Path.Combine(_dir, "logs"), "central-*.log").SelectMany(ReadShared)];
        }

        Assert.Contains(lines, l => l.Contains("Agent resetting's uplink ended before the agent completed it", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Error when executing service method 'Uplink'", StringComparison.Ordinal));
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private static UplinkBatch Batch(string agent, long first, int count, TimeSpan clockAhead = default)
    {
        var batch = new UplinkBatch { AgentId = agent };
        var now = DateTimeOffset.UtcNow.Add(clockAhead).ToUnixTimeMilliseconds();
        for (var s = first; s < first + count; s++)
        {
            var link = new LinkCapacity { LinkId = 1, CapacityGbps = 40, PeakGbps = 90, MeanGbps = 18, ObservedLossPercent = 0.1 };
            link.Cells.AddRange([1, 2]);
            batch.Results.Add(new Result { Sequence = s, ProducedUnixMs = now, Link = link });
        }

        return batch;
    }

    /// <summary>Sends 5000-result batches back to back until cancelled; the results the coordinator acknowledged.</summary>
    private static async Task<long> FloodAsync(GrpcChannel channel, string agent, CancellationToken stop)
    {
        using var call = channel.AgentSync().Uplink(cancellationToken: CancellationToken.None);
        var stored = 0L;
        var next = 1L;
        while (!stop.IsCancellationRequested)
        {
            await call.RequestStream.WriteAsync(Batch(agent, next, 5000), CancellationToken.None);
            next += 5000;
            if (!await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                break;
            }

            stored = call.ResponseStream.Current.StoredThrough;
        }

        await call.RequestStream.CompleteAsync();
        return stored;
    }

    /// <summary>Waits until the coordinator counts <paramref name="count"/> open downlinks.</summary>
    private async Task Opened(GrpcChannel channel, int count)
    {
        var metrics = (NetworkTwin.Central.Metrics.CoordinatorMetrics)_coordinator.Services.GetService(typeof(NetworkTwin.Central.Metrics.CoordinatorMetrics))!;
        var clock = Stopwatch.StartNew();
        while (metrics.DownlinksOpen < count && clock.Elapsed.TotalSeconds < 10)
        {
            await Task.Delay(20);
        }

        Assert.Equal(count, metrics.DownlinksOpen);
        _ = channel;
    }
}
