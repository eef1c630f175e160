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
    public void Description_NamesTheServerButNotThePassword()
    {
        using var repository = new PostgresRepository(postgres.NewDatabase());

        Assert.Contains($"127.0.0.1:{postgres.Cluster.Port}", repository.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Cluster.Password, repository.Description, StringComparison.Ordinal);
    }
}
