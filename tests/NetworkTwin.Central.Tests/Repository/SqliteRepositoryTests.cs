using Google.Protobuf;
using Microsoft.Data.Sqlite;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;

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
        Assert.Equal([7L], repository.Results.Sequences("a1"));
    }

    [Fact]
    public void Migrations11And12_FromAVersion10File_KeepTheNewestLinkAndCellAndEachAgentsCounts()
    {
        var path = Path.Combine(_dir, "repository.db");
        static string Hex(Result r) => Convert.ToHexString(r.ToByteArray());
        using (var v10 = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            v10.Open();
            using var command = v10.CreateCommand();
            command.CommandText = "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (10);"
                + string.Concat(SqliteRepository.SqliteMigrations.Take(10))
                + "INSERT INTO agents VALUES ('a1', 's', 'v', '', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
                + string.Concat(new[] { (1, 5.0), (2, 7.0) }.Select(x => FormattableString.Invariant(
                    $"INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, link_id) VALUES ('a1', {x.Item1}, {x.Item1}, 'Link', x'{Hex(new Result { Sequence = x.Item1, Link = new LinkCapacity { LinkId = 1, CapacityGbps = x.Item2 } })}', '', 1);")))
                + string.Concat(new[] { (3, 1.0), (4, 2.0) }.Select(x => FormattableString.Invariant(
                    $"INSERT INTO results (agent_id, sequence, produced_unix_ms, kind, payload, received_at, cell_id) VALUES ('a1', {x.Item1}, {x.Item1}, 'Cell', x'{Hex(new Result { Sequence = x.Item1, Cell = new CellWindow { CellId = 9, MeanGbps = x.Item2 } })}', '', 9);")));
            command.ExecuteNonQuery();
        }

        using var repository = new SqliteRepository(path);

        Assert.Equal([7.0], repository.Results.LatestLinks(null).Select(l => l.Link.CapacityGbps));
        Assert.Equal([2.0], repository.Results.LatestCells(0).Select(c => c.Cell.MeanGbps));
        Assert.Equal([(4L, 4L)], repository.Agents.List().Select(a => (a.ResultsStored, a.StoredThrough)));
    }

    [Fact]
    public async Task StoreAsync_ABatchTheDatabaseRefusesAmongOthers_FailsAloneAndTheOthersAreStored()
    {
        using var repository = new SqliteRepository(Path.Combine(_dir, "repository.db"));
        repository.ExecuteForTest("CREATE TRIGGER refuse BEFORE INSERT ON results WHEN NEW.agent_id = 'bad' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
        var agents = Enumerable.Range(0, 40).Select(i => i == 17 ? "bad" : $"good-{i}").ToList();
        agents.ForEach(a => repository.Agents.Register(new RegisterRequest { AgentId = a, Site = "s", Version = "1" }));

        // Queued all at once, so the writer takes them in groups with the refused batch among others.
        var stores = agents.Select(a => repository.Results.StoreAsync(a, [.. Enumerable.Range(1, 10).Select(i => new Result { Sequence = i, Link = new LinkCapacity { LinkId = 1 } })])).ToList();

        var refused = await Assert.ThrowsAsync<SqliteException>(() => stores[17]);
        Assert.Contains("refused", refused.Message, StringComparison.Ordinal);
        Assert.All(stores.Where((_, i) => i != 17), s => Assert.Equal((10, 10L), s.Result));
        Assert.All(agents.Where(a => a != "bad"), a => Assert.Equal(10, repository.Results.Sequences(a).Count));
        Assert.Empty(repository.Results.Sequences("bad"));
    }

    [Fact]
    public async Task Reads_WhileTheWriterIsBusy_AnswerFromTheLastCommit_AndARegistrationQueuesWithoutHoldingItsCaller()
    {
        using var repository = new SqliteRepository(Path.Combine(_dir, "repository.db"));
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        using var busy = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        // A long write (a retention round, say) holds the writer.
        var write = Task.Run(() => repository.Run(_ =>
        {
            busy.Set();
            return release.Wait(TimeSpan.FromSeconds(30));
        }));
        Assert.True(busy.Wait(TimeSpan.FromSeconds(10)));

        var listed = await Task.Run(() => repository.Agents.List()).WaitAsync(TimeSpan.FromSeconds(5));
        var registering = repository.Agents.RegisterAsync(new RegisterRequest { AgentId = "du-b", Site = "s", Version = "1" });
        var before = await Task.Run(() => repository.Agents.Exists("du-b")).WaitAsync(TimeSpan.FromSeconds(5));
        var waited = registering.IsCompleted;
        release.Set();
        await registering.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["du-a"], listed.Select(a => a.AgentId));
        Assert.False(before, "the registration was stored while the writer was busy");
        Assert.False(waited, "the registration completed while the writer was busy");
        Assert.True(await write, "the write held the writer for 30 s: the reads waited for it");
        Assert.True(repository.Agents.Exists("du-b"));
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
