using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using NetworkTwin.Central.Metrics;
using NetworkTwin.Central.Replicas;
using NetworkTwin.Central.Repository;
using NetworkTwin.Central.Sync;
using NetworkTwin.Central.Training;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Training;

/// <summary>
/// A training round over a real SQLite repository: it learns from a bounded sample of the estate (the longest
/// histories) and ships the model to every agent with a link, so its cost does not grow with the agents.
/// </summary>
public sealed class ModelTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nt-trainer-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TrainAsync_AnEstateLargerThanMaxAgents_LearnsFromTheLongestHistoriesAndShipsToEveryAgentWithALink()
    {
        using var repository = new SqliteRepository(Path.Combine(_dir, "repository.db"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Four agents with two links each, 2 s windows; the longer the name's number, the longer its history.
        var windows = new Dictionary<string, int> { ["du-1"] = 200, ["du-2"] = 300, ["du-3"] = 400, ["du-4"] = 30 };
        foreach (var (agent, count) in windows)
        {
            repository.Agents.Register(new RegisterRequest { AgentId = agent, Site = "s", Version = "1" });
            var rng = new Random(agent.GetHashCode(StringComparison.Ordinal));
            repository.Results.Store(agent, [.. Enumerable.Range(0, 2 * count).Select(i => new Result
            {
                Sequence = i + 1,
                ProducedUnixMs = now - ((count - (i / 2)) * 2000L),
                Link = new LinkCapacity { LinkId = 1 + (i % 2), MeanGbps = 10 + (3 * Math.Sin(i / 40.0)) + rng.NextDouble(), Cells = { i % 2 } },
            })]);
        }

        // Gone for a month: not learned from, not sent the model.
        repository.Agents.Register(new RegisterRequest { AgentId = "du-old", Site = "s", Version = "1" });
        repository.Results.Store("du-old", [.. Enumerable.Range(1, 400).Select(i => new Result { Sequence = i, ProducedUnixMs = now - (30L * 86_400_000) + (i * 2000L), Link = new LinkCapacity { LinkId = 1, MeanGbps = 5 } })]);

        var time = TimeProvider.System;
        var lease = new SingletonLease(repository, new ReplicaOptions(), new CoordinatorMetrics(), NullLogger<SingletonLease>.Instance, time);
        var options = new LearningOptions { EveryMinutes = 0, MinWindows = 100, MaxAgents = 2, Epochs = 3 };
        using var trainer = new ModelTrainer(repository, new CommandSignal(), options, lease, NullLogger<ModelTrainer>.Instance, time);

        var record = await trainer.TrainAsync(default);

        Assert.Equal("shipped", record.State);
        Assert.Equal(4, record.Series);
        Assert.Equal(["du-1", "du-2", "du-3", "du-4"], record.Agents);
        foreach (var agent in windows.Keys)
        {
            var model = Assert.Single(repository.Commands.Pending(agent, 0)).Model;
            Assert.Equal(record.Version, model.Version);
            Assert.False(model.Onnx.IsEmpty);
        }

        Assert.Empty(repository.Commands.Pending("du-old", 0));
        var audit = Assert.Single(repository.Decisions.AuditTrail(0, 10), a => a.Event == "model rolled out");
        Assert.Contains("du-1, du-2, du-3, du-4", audit.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_ManyAgents_NamesTheFirst20AndCountsTheRest()
    {
        var agents = Enumerable.Range(1, 10_000).Select(i => $"du-{i:00000}").ToList();

        var named = ModelTrainer.Named(agents);

        Assert.StartsWith("10000 agents: du-00001, du-00002,", named, StringComparison.Ordinal);
        Assert.EndsWith("du-00020 and 9980 more", named, StringComparison.Ordinal);
        Assert.Equal("du-a, du-b", ModelTrainer.Named(["du-a", "du-b"]));
    }
}
