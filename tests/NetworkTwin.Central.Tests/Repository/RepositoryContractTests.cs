using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Repository;

/// <summary>What the coordinator relies on from its repository, checked on SQLite and on PostgreSQL alike.</summary>
public abstract class RepositoryContractTests
{
    /// <summary>A new, empty repository (a fresh file or a fresh database).</summary>
    protected abstract CoordinatorRepository Open();

    private static List<Result> Links(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new Result { Sequence = i, ProducedUnixMs = i, Link = new LinkCapacity { LinkId = 1 + (i % 2), CapacityGbps = i } })];

    [Fact]
    public void Store_SameBatchTwice_StoresEachResultOnce()
    {
        using var repository = Open();
        repository.Register(new RegisterRequest { AgentId = "a1", Site = "s", Version = "1" });

        var first = repository.Store("a1", Links(1, 10));
        var again = repository.Store("a1", Links(1, 10));
        var overlapping = repository.Store("a1", Links(6, 15));

        Assert.Equal((10, 10L), first);
        Assert.Equal((0, 10L), again);
        Assert.Equal((5, 15L), overlapping);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), repository.Sequences("a1"));
        Assert.Equal(repository.Migrations.Count, repository.SchemaVersion);
    }

    [Fact]
    public void AgentsAndLatestLinks_SummariseWhatEachAgentStored()
    {
        using var repository = Open();
        repository.Register(new RegisterRequest { AgentId = "du-b", Site = "north", Version = "2" });
        repository.Register(new RegisterRequest { AgentId = "du-a", Site = "north", Version = "1", Capabilities = { "capacity-sizing" } });
        repository.Register(new RegisterRequest { AgentId = "du-c", Site = "south", Version = "1" });
        repository.Store("du-a", Links(1, 9));
        repository.Store("du-b", [new Result { Sequence = 1, Cell = new CellWindow { CellId = 3, MeanGbps = 1 } }]);

        var agents = repository.Agents();
        var links = repository.LatestLinks("north");

        Assert.Equal(["du-a", "du-b", "du-c"], agents.Select(a => a.AgentId));
        Assert.Equal([9L, 1L, 0L], agents.Select(a => a.ResultsStored));
        Assert.Equal([9L, 1L, 0L], agents.Select(a => a.StoredThrough));
        Assert.Equal([(1, 8.0), (2, 9.0)], links.Select(l => (l.Link.LinkId, l.Link.CapacityGbps)));
        Assert.Empty(repository.LatestLinks("south"));
    }

    [Fact]
    public async Task ConcurrentAgentsWithRetries_EachStoreEveryResultOnce()
    {
        using var repository = Open();
        const int Agents = 6, Batches = 20, Size = 50;
        await Parallel.ForEachAsync(Enumerable.Range(0, Agents), async (a, _) =>
        {
            var id = $"agent-{a}";
            repository.Register(new RegisterRequest { AgentId = id, Site = "s", Version = "1" });
            for (var b = 0; b < Batches; b++)
            {
                var batch = Links((b * Size) + 1, (b + 1) * Size);
                Assert.Equal((Size, (long)(b + 1) * Size), repository.Store(id, batch));
                Assert.Equal(0, repository.Store(id, batch).Inserted);   // the retry after a lost ack
                await Task.Yield();
            }
        });

        Assert.All(Enumerable.Range(0, Agents), a => Assert.Equal(Batches * Size, repository.Sequences($"agent-{a}").Count));
    }
}
