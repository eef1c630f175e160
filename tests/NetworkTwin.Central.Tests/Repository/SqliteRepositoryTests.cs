using Microsoft.Data.Sqlite;
using NetworkTwin.Central.Repository;

namespace NetworkTwin.Central.Tests.Repository;

public sealed class SqliteRepositoryTests : RepositoryContractTests, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-repo-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    protected override CoordinatorRepository Open() => new SqliteRepository(Path.Combine(_dir, "repository.db"));

    [Fact]
    public void Migrations_FromAVersion1File_UpgradeInPlaceAndKeepTheData()
    {
        var path = Path.Combine(_dir, "repository.db");
        using (var v1 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v1.Open();
            using var command = v1.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);" + SqliteRepository.SqliteMigrations[0]
                + "INSERT INTO agents VALUES ('a1', 's', 'v', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
                + "INSERT INTO results VALUES ('a1', 7, 0, 'Link', x'', '2026-01-01T00:00:00Z');";
            command.ExecuteNonQuery();
        }

        using var repository = new SqliteRepository(path);

        Assert.Equal(SqliteRepository.SqliteMigrations.Length, repository.SchemaVersion);
        Assert.Equal([7L], repository.Sequences("a1"));
    }

    [Fact]
    public void BothDialects_FillInEveryTypeOfTheSameMigrationSteps()
    {
        Assert.Equal(SqliteRepository.SqliteMigrations.Length, PostgresRepository.PostgresMigrations.Length);
        Assert.All(SqliteRepository.SqliteMigrations.Concat(PostgresRepository.PostgresMigrations), m => Assert.DoesNotContain("{", m, StringComparison.Ordinal));
        Assert.Contains("BYTEA", PostgresRepository.PostgresMigrations[0], StringComparison.Ordinal);
        Assert.Contains("BLOB", SqliteRepository.SqliteMigrations[0], StringComparison.Ordinal);
    }
}
