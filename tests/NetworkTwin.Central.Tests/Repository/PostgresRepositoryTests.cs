using NetworkTwin.Central.Repository;
using NetworkTwin.Testing.Launchers;
using Npgsql;

namespace NetworkTwin.Central.Tests.Repository;

/// <summary>One throw-away PostgreSQL cluster (Debian's initdb/pg_ctl on a loopback port) for the PostgreSQL tests.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    public PostgresCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await PostgresCluster.StartAsync(LoopbackPort.Free());

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A fresh, empty database in the cluster; returns its connection string.</summary>
    public string NewDatabase() => Cluster.CreateDatabaseAsync($"t{Guid.NewGuid():N}").GetAwaiter().GetResult();
}

public sealed class PostgresRepositoryTests(PostgresClusterFixture postgres) : RepositoryContractTests, IClassFixture<PostgresClusterFixture>
{
    protected override CoordinatorRepository Open() => new PostgresRepository(postgres.NewDatabase());

    [Fact]
    public void Positional_NumbersEachNameByItsFirstUse_AndLeavesCastsAlone()
    {
        var (sql, names) = PostgresRepository.Positional("SELECT @b, @a::text, x::bigint, @b_2 FROM t WHERE a = @a AND b = @b");

        Assert.Equal("SELECT $1, $2::text, x::bigint, $3 FROM t WHERE a = $2 AND b = $1", sql);
        Assert.Equal(["b", "a", "b_2"], names);
    }

    [Fact]
    public async Task TwoCoordinatorsStartingTogether_MigrateOnce()
    {
        var database = postgres.NewDatabase();

        var repositories = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new PostgresRepository(database))));

        Assert.All(repositories, r => Assert.Equal(PostgresRepository.PostgresMigrations.Length, r.SchemaVersion));
        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var count = new NpgsqlCommand("SELECT COUNT(*) FROM schema_version", connection);
        Assert.Equal(1L, count.ExecuteScalar());
        foreach (var r in repositories)
        {
            r.Dispose();
        }
    }

    [Fact]
    public void Retention_DropsWholeDaysOfResults_AndTodaysGoInTheirOwnPartition()
    {
        var database = postgres.NewDatabase();
        using var repository = new PostgresRepository(database);
        repository.Agents.Register(new NetworkTwin.Contracts.Sync.RegisterRequest { AgentId = "du-a", Site = "paris", Version = "1" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const long day = PostgresRepository.DayMs;
        NetworkTwin.Contracts.Sync.Result Window(long sequence, long at) => new() { Sequence = sequence, ProducedUnixMs = at, Link = new NetworkTwin.Contracts.Sync.LinkCapacity { LinkId = 1 } };

        // Ten days ago the days had their partitions, as a running coordinator makes them ahead.
        Assert.Equal(3, repository.Results.Prepare(now - (10 * day)));
        repository.Results.Store("du-a", [Window(1, now - (10 * day)), Window(2, now - (9 * day))]);
        Assert.Equal(3, repository.Results.Prepare(now));
        repository.Results.Store("du-a", [Window(3, now)]);
        // A day whose results already went to the default partition gets none (they stay there until they expire).
        repository.Results.Store("du-a", [Window(4, now + (3 * day))]);
        Assert.Equal(0, repository.Results.Prepare(now + day));

        var outcome = Retention(repository, TimeProvider.System).RunOnce();

        Assert.Equal(2, outcome.DaysDropped);
        Assert.Equal([3L, 4L], repository.Results.Sequences("du-a"));
        using var connection = new NpgsqlConnection(database);
        connection.Open();
        using var partitions = new NpgsqlCommand("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'results'::regclass ORDER BY 1", connection);
        using (var reader = partitions.ExecuteReader())
        {
            var names = new List<string>();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            // The default, the day ten days ago + 2 (not yet wholly expired), today and the two days ahead.
            Assert.Equal(
                [PostgresRepository.PartitionOf(now - (8 * day) - ((now - (8 * day)) % day)), PostgresRepository.PartitionOf(now - (now % day)), PostgresRepository.PartitionOf(now - (now % day) + day), PostgresRepository.PartitionOf(now - (now % day) + (2 * day)), "results_default"],
                names);
        }

        using var where = new NpgsqlCommand("SELECT tableoid::regclass::text FROM results WHERE sequence = 3", connection);
        Assert.Equal(PostgresRepository.PartitionOf(now - (now % day)), where.ExecuteScalar());
    }

    [Fact]
    public void ADatabaseOfVersion13_MovesItsResultsIntoTheDayPartitionedTable()
    {
        var database = postgres.NewDatabase();
        using (var connection = new NpgsqlConnection(database))
        {
            connection.Open();
            void Run(string sql)
            {
                using var command = new NpgsqlCommand(sql, connection);
                command.ExecuteNonQuery();
            }

            Run("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (13)");
            foreach (var migration in PostgresRepository.PostgresMigrations.Take(13))
            {
                Run(migration);
            }

            Run("INSERT INTO agents (agent_id, site, version, capabilities, registered_at, last_seen, results_stored, stored_through) VALUES ('du-a', 's', '1', '', 'x', 'x', 2, 2)");
            Run("INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id) VALUES ('du-a', 1, 1000, 'Link', '\\x', 'x', 1), ('du-a', 2, 2000, 'Loss', '\\x', 'x', NULL)");
        }

        using var repository = new PostgresRepository(database);

        Assert.Equal(PostgresRepository.PostgresMigrations.Length, repository.SchemaVersion);
        Assert.Equal([1L, 2L], repository.Results.Sequences("du-a"));
        // Exactly once still holds on the new key: a resend is not stored again.
        Assert.Equal((0, 2L), repository.Results.Store("du-a", [new NetworkTwin.Contracts.Sync.Result { Sequence = 2, ProducedUnixMs = 2000, Loss = new NetworkTwin.Contracts.Sync.CellLossEvents() }]));
    }

    [Fact]
    public void Description_NamesTheServerButNotThePassword()
    {
        using var repository = new PostgresRepository(postgres.NewDatabase());

        Assert.Contains($"127.0.0.1:{postgres.Cluster.Port}", repository.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Cluster.Password, repository.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchesWaitingForACommitter_GoInOneTransaction_EachWithItsOwnOutcome()
    {
        var database = postgres.NewDatabase();
        using var repository = new PostgresRepository(database, concurrentStores: 1);
        var (first, waiting) = await StoreBehindAHeldBatchAsync(repository, database, Enumerable.Range(1, 20).Select(a => ($"du-{a:D2}", 1)));

        Assert.Equal((3, 3L), await first);
        Assert.All(await Task.WhenAll(waiting), outcome => Assert.Equal((3, 3L), outcome));
        // The held batch's transaction, then the twenty that waited behind it: one more.
        Assert.Equal(2, repository.ResultCommits);
        Assert.All(Enumerable.Range(1, 20), a => Assert.Equal([1L, 2L, 3L], repository.Results.Sequences($"du-{a:D2}")));
    }

    [Fact]
    public async Task ABatchThePostgresServerRefuses_FailsAlone_AndTheOthersOfItsGroupAreStored()
    {
        var database = postgres.NewDatabase();
        using var repository = new PostgresRepository(database, concurrentStores: 1);
        // PostgreSQL text cannot hold a NUL: the server refuses that batch's statement, and with it the group's transaction.
        var agents = Enumerable.Range(1, 10).Select(a => $"du-{a:D2}").Append("du-\0bad").ToArray();
        var (first, waiting) = await StoreBehindAHeldBatchAsync(repository, database, agents.Select(a => (a, 1)));

        Assert.Equal((3, 3L), await first);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => waiting[^1]);
        Assert.Equal(PostgresErrorCodes.CharacterNotInRepertoire, refused.SqlState);
        Assert.All(await Task.WhenAll(waiting[..^1]), outcome => Assert.Equal((3, 3L), outcome));
        Assert.All(agents[..^1], a => Assert.Equal([1L, 2L, 3L], repository.Results.Sequences(a)));
    }

    [Fact]
    public async Task TwoBatchesOfOneAgentInAGroup_GoInOneTransaction_InTheirOrder()
    {
        var database = postgres.NewDatabase();
        using var repository = new PostgresRepository(database, concurrentStores: 1);
        var (first, waiting) = await StoreBehindAHeldBatchAsync(repository, database, [("du-01", 1), ("du-02", 1), ("du-01", 4), ("du-01", 4), ("du-01", 7)]);

        Assert.Equal((3, 3L), await first);
        // Each sees what the ones before it stored: the resent one adds nothing and reports the agent's count so far.
        Assert.Equal([(3, 3L), (3, 3L), (3, 6L), (0, 6L), (3, 9L)], await Task.WhenAll(waiting));
        Assert.Equal(2, repository.ResultCommits);
        Assert.Equal([.. Enumerable.Range(1, 9).Select(s => (long)s)], repository.Results.Sequences("du-01"));
    }

    [Fact]
    public void Layers_HoldEachAgentOnceInOrderOfId_AnAgentsLaterBatchesInTheLayersAfter()
    {
        List<PendingBatch> group = [.. "cabacbc".Select(a => new PendingBatch(a.ToString(), [], null))];

        Assert.Equal([[1, 2, 0], [3, 5, 4], [6]], PostgresRepository.Layers(group));
    }

    /// <summary>
    /// Stores a batch of agent <c>du-00</c> while another connection holds its agent row, so the one committer waits on it;
    /// then, for each of <paramref name="batches"/>, three link windows of that agent from that sequence on, which queue
    /// meanwhile; then lets the held one go. Returns the held batch's store and the others', in order, each failing if it
    /// has no outcome within 30 s.
    /// </summary>
    private static async Task<(Task<(int Inserted, long StoredThrough)> First, Task<(int Inserted, long StoredThrough)>[] Waiting)> StoreBehindAHeldBatchAsync(
        PostgresRepository repository, string database, IEnumerable<(string Agent, int From)> batches)
    {
        repository.Agents.Register(new NetworkTwin.Contracts.Sync.RegisterRequest { AgentId = "du-00", Site = "s", Version = "1" });
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await using (var row = new NpgsqlCommand("SELECT 1 FROM agents WHERE agent_id = 'du-00' FOR UPDATE", holder, hold))
        {
            await row.ExecuteScalarAsync();
        }

        var first = repository.Results.StoreAsync("du-00", Windows(1));
        await WaitUntilBlockedAsync(database);
        var waiting = batches.Select(b => repository.Results.StoreAsync(b.Agent, Windows(b.From))).ToArray();
        Assert.False(first.IsCompleted);
        await hold.RollbackAsync();
        // A batch left without an outcome fails the test rather than hangs it.
        var outcomeWithin = TimeSpan.FromSeconds(30);
        return (first.WaitAsync(outcomeWithin), [.. waiting.Select(w => w.WaitAsync(outcomeWithin))]);

        static List<NetworkTwin.Contracts.Sync.Result> Windows(int from) =>
            [.. Enumerable.Range(from, 3).Select(s => new NetworkTwin.Contracts.Sync.Result { Sequence = s, ProducedUnixMs = 1000 * s, Link = new NetworkTwin.Contracts.Sync.LinkCapacity { LinkId = 1 + ((s - 1) % 3) } })];
    }

    /// <summary>Waits until a session of the database waits for a lock (the committer, behind the held row).</summary>
    private static async Task WaitUntilBlockedAsync(string database)
    {
        await using var watcher = new NpgsqlConnection(database);
        await watcher.OpenAsync();
        await using var waiting = new NpgsqlCommand("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", watcher);
        for (var tries = 0; (long)(await waiting.ExecuteScalarAsync())! == 0; tries++)
        {
            Assert.True(tries < 500, "the held batch never waited for the agent row");
            await Task.Delay(20);
        }
    }
}
