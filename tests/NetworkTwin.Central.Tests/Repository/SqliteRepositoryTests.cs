using Microsoft.Data.Sqlite;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Repository;

public sealed class SqliteRepositoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-repo-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Migrations_FromAVersion1File_UpgradeInPlaceAndKeepTheData()
    {
        var path = Path.Combine(_dir, "repository.db");
        using (var v1 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v1.Open();
            using var command = v1.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);" + SqliteRepository.Migrations[0]
                + "INSERT INTO agents VALUES ('a1', 's', 'v', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
                + "INSERT INTO results VALUES ('a1', 7, 0, 'Link', x'', '2026-01-01T00:00:00Z');";
            command.ExecuteNonQuery();
        }

        using var repository = new SqliteRepository(path);

        Assert.Equal(SqliteRepository.Migrations.Length, repository.SchemaVersion);
        Assert.Equal([7L], repository.Sequences("a1"));
    }

    [Fact]
    public void Store_SameBatchTwice_StoresEachResultOnce()
    {
        using var repository = new SqliteRepository(Path.Combine(_dir, "repository.db"));
        repository.Register(new RegisterRequest { AgentId = "a1", Site = "s", Version = "1" });
        var batch = Enumerable.Range(1, 10).Select(i => new Result { Sequence = i, Link = new LinkCapacity { LinkId = 1 } }).ToList();

        var first = repository.Store("a1", batch);
        var again = repository.Store("a1", batch);

        Assert.Equal((10, 10L), first);
        Assert.Equal((0, 10L), again);
        Assert.Equal(10, repository.Sequences("a1").Count);
    }
}
