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
}
