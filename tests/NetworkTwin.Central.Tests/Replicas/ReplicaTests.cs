using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetworkTwin.Central.Replicas;
using NetworkTwin.Central.Service;
using NetworkTwin.Central.Tests.Repository;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Replicas;

/// <summary>
/// Coordinator replicas on one throw-away PostgreSQL: one runs the singleton loops at a time and the lease moves when it
/// stops; a command issued on one reaches an agent connected to the other at once.
/// </summary>
public sealed class ReplicaTests(PostgresClusterFixture postgres) : IClassFixture<PostgresClusterFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-lease-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private WebApplication Replica(string name, string provider, string? connection, int? port = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = (port ?? LoopbackPort.Free()).ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = "0",
            ["Coordinator:DataDirectory"] = Path.Combine(_dir, name),
            ["Coordinator:Repository:Provider"] = provider,
            ["Coordinator:Replicas:LeaseSeconds"] = "6",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (connection is not null)
        {
            settings["Coordinator:Repository:ConnectionString"] = connection;
        }

        return CoordinatorHost.Build([], c => c.AddInMemoryCollection(settings));
    }

    private static SingletonLease Lease(WebApplication replica) => replica.Services.GetRequiredService<SingletonLease>();

    /// <summary>Two replicas on a fresh database, started one after the other: the first holds the lease, the second has tried it.</summary>
    private async Task<(WebApplication First, WebApplication Second)> StartPairAsync()
    {
        var database = postgres.NewDatabase();
        var first = Replica("a", "postgresql", database);
        var second = Replica("b", "postgresql", database);
        await first.StartAsync();
        await Poll.UntilAsync(() => Lease(first).IsHeld, "the first replica holds the lease");
        await second.StartAsync();
        await Poll.UntilAsync(() => Lease(second).LastSeenHolder is not null, "the second replica tried the lease");
        return (first, second);
    }

    [Fact]
    public async Task TwoReplicasOnPostgres_OneHoldsTheLease_TheOtherTakesOverWhenItStops()
    {
        var (first, second) = await StartPairAsync();
        await using var a = first;
        await using var b = second;
        Assert.True(Lease(first).IsHeld);
        Assert.False(Lease(second).IsHeld);
        Assert.Equal(Lease(first).Holder, Lease(second).LastSeenHolder);

        // The holder stops cleanly: it gives the lease up and the other takes it at its next try (every 1.5 s here).
        await first.StopAsync();
        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(() => Lease(second).IsHeld, "the second replica holds the lease", seconds: 10);
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"took over after {stopped.Elapsed.TotalSeconds:0.0} s");
        await second.StopAsync();
    }

    [Fact]
    public async Task TwoReplicasOnPostgres_HolderThatDies_IsReplacedOnceItsLeaseExpires()
    {
        var (first, second) = await StartPairAsync();
        await using var a = first;
        await using var b = second;

        // A holder that dies does not give the lease up: its renewals just stop. Here a third replica takes the lease and
        // dies at once; both live ones must wait for it to expire (6 s here, LeaseSeconds 20 by default), then one takes over.
        var repository = first.Services.GetRequiredService<NetworkTwin.Central.Repository.CoordinatorRepository>();
        repository.Leases.TryHold(SingletonLease.Name, "dead-replica", TimeSpan.FromSeconds(6), takeOver: true);
        var died = System.Diagnostics.Stopwatch.StartNew();
        await Poll.UntilAsync(() => !Lease(first).IsHeld, "the first replica saw it lost the lease", seconds: 5);
        Assert.False(Lease(second).IsHeld);
        await Poll.UntilAsync(() => Lease(first).IsHeld || Lease(second).IsHeld, "a live replica took the expired lease", seconds: 20);
        Assert.InRange(died.Elapsed.TotalSeconds, 5, 12);
        Assert.False(Lease(first).IsHeld && Lease(second).IsHeld);
        await second.StopAsync();
        await first.StopAsync();
    }

    [Fact]
    public async Task SecondCoordinatorOnOneSqliteFile_TakesTheLoopsOver_AndTheFirstStops()
    {
        await using var first = Replica("same", "sqlite", null);
        await first.StartAsync();
        await Poll.UntilAsync(() => Lease(first).IsHeld, "the first coordinator holds the loops");

        // SQLite is one node's own file: a coordinator that starts on it takes the loops (a restart after a crash does
        // not wait for the dead one's lease), and the one that ran them stops at its next renewal.
        await using var second = Replica("same", "sqlite", null);
        await second.StartAsync();
        await Poll.UntilAsync(() => Lease(second).IsHeld, "the second coordinator holds the loops", seconds: 10);
        await Poll.UntilAsync(() => !Lease(first).IsHeld, "the first coordinator gave the loops up", seconds: 10);
        await second.StopAsync();
        await first.StopAsync();
    }

    [Fact]
    public async Task CommandIssuedOnOneReplica_ReachesTheAgentConnectedToTheOther_AtOnce()
    {
        var database = postgres.NewDatabase();
        var (portA, portB) = (LoopbackPort.Free(), LoopbackPort.Free());
        await using var a = Replica("a", "postgresql", database, portA);
        await using var b = Replica("b", "postgresql", database, portB);
        await a.StartAsync();
        await b.StartAsync();
        using var operatorsOnA = CoordinatorClients.Channel(portA);
        using var agentOnB = CoordinatorClients.Channel(portB);
        await agentOnB.AgentSync().RegisterAsync(new RegisterRequest { AgentId = "du-x", Site = "s", Version = "1" });
        using var downlink = agentOnB.AgentSync().Downlink(new DownlinkRequest { AgentId = "du-x" });

        async Task<(Command Command, TimeSpan Took)> SendAndReceive(string reason)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await operatorsOnA.Operators().SendCommandAsync(new SendCommandRequest
            {
                Command = new Command { AgentId = "du-x", Reason = reason, Configure = new ConfigurationChange { Settings = { ["Agent:Analysis:LossTarget"] = "0.001" } } },
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            Assert.True(await downlink.ResponseStream.MoveNext(timeout.Token));
            return (downlink.ResponseStream.Current, clock.Elapsed);
        }

        // The first one also waits for both streams to be in place; the next ones are timed. Replica b's downlink polls
        // every 5 s, so three commands each arriving within 1.5 s of being issued on a are the notifications' doing
        // (by polling alone, all three would in 3% of runs).
        Assert.Equal("warm-up", (await SendAndReceive("warm-up")).Command.Reason);
        for (var i = 1; i <= 3; i++)
        {
            var (command, took) = await SendAndReceive($"command {i}");
            Assert.Equal($"command {i}", command.Reason);
            Assert.True(took < TimeSpan.FromSeconds(1.5), $"command {i} took {took.TotalSeconds:0.00} s to reach the agent on the other replica");
        }

        await b.StopAsync();
        await a.StopAsync();
    }
}
