using System.Security.Cryptography;
using Google.Protobuf;
using NetworkTwin.Central.Repository;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Contracts.Sync;

namespace NetworkTwin.Central.Tests.Repository;

/// <summary>What the coordinator relies on from its repository, checked on SQLite and on PostgreSQL alike.</summary>
public abstract class RepositoryContractTests
{
    /// <summary>A new, empty repository (a fresh file or a fresh database).</summary>
    protected abstract CoordinatorRepository Open();

    /// <summary>Link results as an agent sends them: both links of a window (sequences 2k and 2k + 1) carry its time k.</summary>
    private static List<Result> Links(int from, int to) =>
        [.. Enumerable.Range(from, to - from + 1).Select(i => new Result { Sequence = i, ProducedUnixMs = i / 2, Link = new LinkCapacity { LinkId = 1 + (i % 2), CapacityGbps = i } })];

    /// <summary>A retention job over the repository at the time <paramref name="time"/> gives.</summary>
    private protected static NetworkTwin.Central.Retention.RetentionJob Retention(CoordinatorRepository repository, TimeProvider time, NetworkTwin.Central.Retention.RetentionOptions? options = null) => new(
        repository,
        options ?? new NetworkTwin.Central.Retention.RetentionOptions(),
        new NetworkTwin.Central.Replicas.SingletonLease(repository, new NetworkTwin.Central.Replicas.ReplicaOptions(), new NetworkTwin.Central.Metrics.CoordinatorMetrics(), Microsoft.Extensions.Logging.Abstractions.NullLogger<NetworkTwin.Central.Replicas.SingletonLease>.Instance, time),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<NetworkTwin.Central.Retention.RetentionJob>.Instance,
        time);

    [Fact]
    public void Retention_RemovesWhatOutlivedItsDays_KeepsTheRestAndEachAgentsStoredThrough()
    {
        using var repository = Open();
        Assert.Equal(0, repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "paris", Version = "1" }));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const long day = 86_400_000;
        Result Window(long sequence, long at) => new() { Sequence = sequence, ProducedUnixMs = at, Link = new LinkCapacity { LinkId = 1, CapacityGbps = sequence } };

        // Ten days ago (past the 8 days of results and 2 of ten-second rollups, within 35 of minute rollups), then now.
        repository.Results.Store("du-a", [Window(1, now - (10 * day)), Window(2, now - (10 * day) + 1000), new Result { Sequence = 3, ProducedUnixMs = now - (10 * day), Cell = new CellWindow { CellId = 4 } }]);
        repository.Results.Store("du-a", [Window(4, now - 1000), Window(5, now)]);
        var answered = repository.Commands.Issue(new Command { AgentId = "du-a", Capacity = new CapacityTarget { LinkId = 1, CapacityGbps = 2 } });
        repository.Commands.Acknowledge("du-a", answered.CommandId, applied: true, "ok");
        var pending = repository.Commands.Issue(new Command { AgentId = "du-a", Capacity = new CapacityTarget { LinkId = 1, CapacityGbps = 3 } });
        var oldTime = DateTimeOffset.FromUnixTimeMilliseconds(now - (100 * day)).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        repository.ExecuteForTest($"UPDATE commands SET issued_at = '{oldTime}'");
        repository.Runs.SaveScenario(new ScenarioRun { Template = "old" });
        repository.ExecuteForTest($"UPDATE scenario_runs SET run_at = '{oldTime}'");
        repository.Runs.SaveScenario(new ScenarioRun { Template = "new" });
        repository.Topology.Save(new NetworkTwin.Contracts.Topology.TopologyMap { Statement = "only map" });
        repository.ExecuteForTest($"UPDATE topology_maps SET computed_at = '{oldTime}'");
        repository.Results.RollUp(now - (30 * day));

        var outcome = Retention(repository, TimeProvider.System).RunOnce();

        Assert.Equal([4L, 5L], repository.Results.Sequences("du-a"));
        Assert.Equal(5, repository.Results.StoredThrough("du-a"));
        Assert.Equal(5, repository.Agents.List().Single().StoredThrough);

        // An agent that registers again (a restart) resumes after what is kept.
        Assert.Equal(5, repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "paris", Version = "2" }));
        var tens = repository.Results.LinkRollups(now - (30 * day), 10);
        Assert.NotEmpty(tens);
        Assert.All(tens, r => Assert.True(r.LastUnixMs >= now - 1000, "a ten-second rollup older than 2 days is kept"));
        Assert.Contains(repository.Results.LinkRollups(now - (30 * day), 60), r => r.LastUnixMs < now - day);
        Assert.Equal([pending.CommandId], repository.Commands.List(null, 10).Select(c => c.Command.CommandId));
        Assert.Equal(["new"], repository.Runs.Scenarios(10).Select(r => r.Template));
        Assert.Equal("only map", repository.Topology.Latest()!.Statement);
        Assert.True(outcome.Removed);
        // The three old results and the old cell's newest-of row; no whole day (PostgreSQL had no partition for that day).
        Assert.Equal((4L, 0), (outcome.ResultRows, outcome.DaysDropped));
        Assert.Equal((1, 1), (outcome.Commands, outcome.Runs));

        // A second round finds nothing more to remove, and the agent's next batch is stored after what expired.
        Assert.False(Retention(repository, TimeProvider.System).RunOnce().Removed);
        Assert.Equal((1, 6L), repository.Results.Store("du-a", [Window(6, now + 1000)]));
    }

    [Fact]
    public void DesignHistory_KeepsRunsChoicesOutcomesAndImports_AsOperatorsShareThem()
    {
        using var repository = Open();
        static NetworkTwin.Contracts.Design.DesignRecord Option(int rank, string pattern, double score) => new()
        {
            Operation = "recommend",
            IntentName = "Metro East",
            Pattern = pattern,
            Rank = rank,
            Score = score,
            Operator = "alice",
            RecordedUnixMs = 1000 + rank,
            Features = new NetworkTwin.Contracts.Design.IntentFeatures { Sites = 8, Redundancy = "Standard", Objective = "Cost" },
            Scores = new NetworkTwin.Contracts.Design.DesignScores { Cost = 100 * rank },
            NetworkJson = $"{{\"name\":\"{pattern}\"}}",
            Log = { $"laid out {pattern}" },
        };
        var run = repository.Designs.Save([Option(1, "Tree", 0.9), Option(2, "DualHub", 0.8)]);
        var generated = repository.Designs.Save([new() { Operation = "generate", IntentName = "Core_West", Pattern = "Ring", Operator = "bob", RecordedUnixMs = 5000 }])[0];
        var validated = repository.Designs.Save([new() { Operation = "validate", IntentName = "Abilene", Operator = "bob", RecordedUnixMs = 6000 }])[0];
        long[] Ids(DesignStore.Filter filter, int limit = 10, long before = 0) => [.. repository.Designs.Page(filter, limit, before).Select(r => r.RecordId)];

        // A recommendation's options share the id of the first as their run id.
        Assert.Equal([run[0].RecordId, run[0].RecordId], run.Select(r => r.RunId));
        Assert.Equal(0, generated.RunId);

        // Newest first, by every filter, a page at a time; LIKE's wildcards in the text asked for are literal.
        Assert.Equal([validated.RecordId, generated.RecordId, run[1].RecordId, run[0].RecordId], Ids(new()));
        Assert.Equal([run[1].RecordId, run[0].RecordId], Ids(new(Intent: "METRO")));
        Assert.Equal([generated.RecordId], Ids(new(Intent: "e_w")));
        Assert.Empty(Ids(new(Intent: "%")));
        Assert.Equal([generated.RecordId], Ids(new(Pattern: "Ring")));
        Assert.Equal([validated.RecordId], Ids(new(Operation: "validate")));
        Assert.Equal([validated.RecordId, generated.RecordId], Ids(new(SinceUnixMs: 5000)));
        Assert.Equal([run[1].RecordId, run[0].RecordId], Ids(new(UntilUnixMs: 5000)));
        Assert.Equal([generated.RecordId, validated.RecordId], Ids(new(Operator: "bob")).Reverse());
        Assert.Equal([validated.RecordId, generated.RecordId], Ids(new(), limit: 2));
        Assert.Equal([run[1].RecordId, run[0].RecordId], Ids(new(), before: generated.RecordId));

        // Lists and reports read records without their designs; one record, or a list that asks, has them.
        Assert.All(repository.Designs.Page(new(), 10), r => Assert.Equal((string.Empty, 0), (r.NetworkJson, r.Log.Count)));
        Assert.Equal(("{\"name\":\"DualHub\"}", "laid out DualHub"), (repository.Designs.Get(run[1].RecordId)!.NetworkJson, repository.Designs.Get(run[1].RecordId)!.Log.Single()));
        Assert.Equal(["laid out DualHub", "laid out Tree"], repository.Designs.Page(new(Intent: "metro"), 10, withDesigns: true).Select(r => r.Log.Single()));

        // The recommender's inputs: the scored options of intents of that redundancy and objective, as scored.
        var standardCost = repository.Designs.Outcomes(NetworkTwin.Analytics.Design.Redundancy.Standard, NetworkTwin.Analytics.Design.Objective.Cost);
        Assert.Equal([("Tree", 0.9, true), ("DualHub", 0.8, true)], standardCost.Select(o => (o.Pattern.ToString(), o.Score, o.MetConstraints)));
        Assert.Equal((8, NetworkTwin.Analytics.Design.Redundancy.Standard), (standardCost[0].Features.Sites, standardCost[0].Features.Redundancy));
        Assert.Empty(repository.Designs.Outcomes(NetworkTwin.Analytics.Design.Redundancy.High, NetworkTwin.Analytics.Design.Objective.Cost));

        // One choice per run: choosing another option takes it from the first; only an option can be chosen.
        Assert.True(repository.Designs.Choose(run[0].RecordId, "alice", 7000)!.Chosen);
        var switched = repository.Designs.Choose(run[1].RecordId, "bob", 8000)!;
        Assert.Equal(("bob", 8000L), (switched.ChosenBy, switched.ChosenUnixMs));
        Assert.False(repository.Designs.Get(run[0].RecordId)!.Chosen);
        Assert.Throws<InvalidOperationException>(() => repository.Designs.Choose(generated.RecordId, "bob", 9000));
        Assert.Null(repository.Designs.Choose(999_999, "bob", 9000));

        // An outcome belongs to a design, not to a network's validation; the latest report stands.
        repository.Designs.ReportOutcome(run[1].RecordId, _ => new NetworkTwin.Contracts.Design.BuiltOutcome { MetIntent = true, RealisedScore = 0.8, ReportedBy = "bob" });
        var outcome = repository.Designs.ReportOutcome(run[1].RecordId, _ => new NetworkTwin.Contracts.Design.BuiltOutcome { MetIntent = false, RealisedScore = 0.3, ReportedBy = "carol" })!;
        Assert.Equal((false, "carol"), (outcome.Outcome.MetIntent, outcome.Outcome.ReportedBy));
        Assert.True(repository.Designs.Get(run[1].RecordId)!.Chosen, "the outcome keeps the choice");
        Assert.Throws<InvalidOperationException>(() => repository.Designs.ReportOutcome(validated.RecordId, _ => new NetworkTwin.Contracts.Design.BuiltOutcome()));
        Assert.Equal("laid out DualHub", repository.Designs.Get(run[1].RecordId)!.Log.Single()); // a change keeps the design

        // From then on the recommender credits the option as it turned out.
        Assert.Contains(repository.Designs.Outcomes(NetworkTwin.Analytics.Design.Redundancy.Standard, NetworkTwin.Analytics.Design.Objective.Cost), o => o.Pattern == NetworkTwin.Analytics.Design.TopologyPattern.DualHub && o.Score == 0.3 && !o.MetConstraints);

        // A local file's rows come once, however often it is imported.
        NetworkTwin.Contracts.Design.DesignRecord Row(long id) => new() { Operation = "recommend", IntentName = "old", Pattern = "Ring", Score = 0.5, SourceId = id, RecordedUnixMs = 100 + id };
        Assert.Equal((2, 0), repository.Designs.Import("import:f1", [Row(1), Row(2)]));
        Assert.Equal((0, 2), repository.Designs.Import("import:f1", [Row(1), Row(2)]));
        Assert.Equal((1, 2), repository.Designs.Import("import:f1", [Row(1), Row(2), Row(3)]));
        Assert.Equal((1, 0), repository.Designs.Import("import:f2", [Row(1)]));
        Assert.Equal(8, repository.Designs.Count());
        Assert.Equal(["alice", "alice", "bob", "bob"], repository.Designs.Since(1000).Select(r => r.Operator));
    }

    [Fact]
    public void PagesOfAgentsCommandsAndForecasts_ContinueAfterTheKeyTheyEndedOn()
    {
        using var repository = Open();
        foreach (var (site, agent) in new[] { ("b", "x"), ("a", "z"), ("b", "a"), ("a", "y") })
        {
            repository.Agents.Register(new RegisterRequest { AgentId = agent, Site = site, Version = "1" });
            repository.Results.Store(agent, [new Result { Sequence = 1, ProducedUnixMs = 5, Forecast = new LoadForecast { LinkId = 1 } }, new Result { Sequence = 2, ProducedUnixMs = 5, Forecast = new LoadForecast { LinkId = 2 } }]);
            repository.Commands.Issue(new Command { AgentId = agent, Configure = new ConfigurationChange() });
        }

        Assert.Equal(["y", "z", "a", "x"], repository.Agents.Page(null, 10).Select(a => a.AgentId));
        Assert.Equal(["a", "x"], repository.Agents.Page(("a", "z"), 10).Select(a => a.AgentId));
        Assert.Equal(["z"], repository.Agents.Page(("a", "y"), 1).Select(a => a.AgentId));
        Assert.Equal((true, false), (repository.Agents.Exists("z"), repository.Agents.Exists("w")));
        Assert.Equal([2L, 1L], repository.Commands.List(null, 10, beforeId: 3).Select(c => c.Command.CommandId));
        var forecasts = repository.Results.ForecastPage(0, null, null, 3);
        Assert.Equal([("a", 1L), ("a", 2L), ("x", 1L)], forecasts.Select(f => (f.Forecast.AgentId, f.Sequence)));
        Assert.Equal([("x", 2L), ("y", 1L)], repository.Results.ForecastPage(0, null, (5, "x", 1), 2).Select(f => (f.Forecast.AgentId, f.Sequence)));
    }

    [Fact]
    public void LinkNeeds_ComeFromTheBucketsAfterALinkSettled_OneRowPerLink()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        const long start = 1_800_000_000_000L;
        // Link 1: a minute of windows, its first ten seconds partial (a huge sizing); link 2: only eight seconds so far.
        var windows = Enumerable.Range(0, 30).Select(i => new Result { Sequence = i + 1, ProducedUnixMs = start + (i * 2000), Link = new LinkCapacity { LinkId = 1, CapacityGbps = i < 5 ? 1413 : 5 + (i % 3), MeanGbps = 2 } })
            .Concat(Enumerable.Range(0, 5).Select(i => new Result { Sequence = 100 + i, ProducedUnixMs = start + (i * 2000), Link = new LinkCapacity { LinkId = 2, CapacityGbps = 9 } }));
        repository.Results.Store("du-a", [.. windows]);

        var needs = repository.Results.LinkNeeds(start, settleSeconds: 20).OrderBy(n => n.LinkId).ToList();

        Assert.Equal(2, needs.Count);
        Assert.Equal(new LinkNeed("du-a", 1, start, 7, 2), needs[0]);
        Assert.Equal(new LinkNeed("du-a", 2, start, null, null), needs[1]);
        // A lookback that begins later starts the link there: nothing before it counts, and its settling starts again.
        Assert.Equal(new LinkNeed("du-a", 1, start + 30_000, 7, 2), repository.Results.LinkNeeds(start + 30_000, settleSeconds: 10).Single());

        // The what-if runs get the buckets themselves, marked by the same rule: the settled ones give the same need.
        var windowsRead = NetworkTwin.Central.Control.LinkWindows.Read(repository, start, settleSeconds: 20);
        Assert.Equal([(1, start, 6, 4), (2, start, 1, 0)], windowsRead.Select(w => (w.LinkId, w.FirstUnixMs, w.All.Count, w.Settled.Count)));
        Assert.Equal(7, windowsRead[0].Settled.Max(r => r.CapacityMaxGbps));
        Assert.Equal(1413, windowsRead[0].All.Max(r => r.CapacityMaxGbps));
        Assert.All(windowsRead[0].Settled, r => Assert.True(r.FirstUnixMs >= start + 20_000));
        Assert.Equal("s", windowsRead[0].All[0].Site);
    }

    [Fact]
    public void LinkRollups_CountEachStoredWindowOnce_InItsTenSecondBucket_AndTheMinuteAndHourDeriveFromThem()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "paris", Version = "1" });
        const long hour = 1_800_000_000L * 1000 / 3_600_000 * 3_600_000;
        Result Window(long sequence, long atMs, double capacity, double mean, double loss, double target = 0) => new()
        {
            Sequence = sequence,
            ProducedUnixMs = hour + atMs,
            Link = new LinkCapacity { LinkId = 4, CapacityGbps = capacity, MeanGbps = mean, PeakGbps = capacity * 2, ObservedLossPercent = loss, TargetGbps = target },
        };

        // Two windows in the first ten seconds, one in the second; a cell result is not a link window.
        repository.Results.Store("du-a", [Window(1, 1_000, 5, 2, double.NaN), Window(2, 9_000, 7, 4, 0.5, target: 10), new Result { Sequence = 3, ProducedUnixMs = hour + 9_500, Cell = new CellWindow { CellId = 1 } }]);
        repository.Results.Store("du-a", [Window(4, 12_000, 3, 6, 1.5, target: 12)]);
        // A resent batch, one resent with a new window, and a late window of the first ten seconds: each window is counted once.
        repository.Results.Store("du-a", [Window(2, 9_000, 7, 4, 0.5, target: 10), Window(4, 12_000, 3, 6, 1.5, target: 12)]);
        repository.Results.Store("du-a", [Window(4, 12_000, 3, 6, 1.5, target: 12), Window(7, 13_000, 2, 2, double.NaN, target: 12)]);
        repository.Results.Store("du-a", [Window(5, 5_000, 9, 0, double.NaN)]);
        // The next minute.
        repository.Results.Store("du-a", [Window(6, 61_000, 1, 1, double.NaN)]);

        var tens = repository.Results.LinkRollups(hour, 10);
        Assert.Equal([(hour, 3L), (hour + 10_000, 2L), (hour + 60_000, 1L)], tens.Select(r => (r.BucketUnixMs, r.Windows)));
        var first = tens[0];
        Assert.Equal(("du-a", "paris", 4), (first.AgentId, first.Site, first.LinkId));
        Assert.Equal((hour + 1_000, hour + 9_000), (first.FirstUnixMs, first.LastUnixMs));
        Assert.Equal((9.0, 2.0, 4.0, 18.0), (first.CapacityMaxGbps, first.MeanGbps, first.MeanMaxGbps, first.PeakMaxGbps));
        Assert.Equal((0.5, 0.5), (first.LossPercent, first.LossMaxPercent));
        Assert.Equal(10.0, first.TargetGbps);
        Assert.Equal(1.5, tens[1].LossPercent);
        Assert.True(double.IsNaN(tens[2].LossPercent), "no window of the bucket measured loss");

        // The minute and hour rollups are derived from the ten-second ones; deriving again changes nothing.
        Assert.Empty(repository.Results.LinkRollups(hour, 60));
        repository.Results.RollUp(hour);
        repository.Results.RollUp(hour);
        var minutes = repository.Results.LinkRollups(hour, 60);
        Assert.Equal([(hour, 5L), (hour + 60_000, 1L)], minutes.Select(m => (m.BucketUnixMs, m.Windows)));
        Assert.Equal((9.0, 2.8, 1.0, 1.5, 12.0), (minutes[0].CapacityMaxGbps, minutes[0].MeanGbps, minutes[0].LossPercent, minutes[0].LossMaxPercent, minutes[0].TargetGbps));
        var hours = repository.Results.LinkRollups(hour, 3600);
        Assert.Equal(6L, Assert.Single(hours).Windows);
        Assert.Equal(2.5, hours[0].MeanGbps, 9);

        // A read from a later time leaves out the buckets that ended before it; only the named bucket widths are kept.
        Assert.Equal([hour + 60_000], repository.Results.LinkRollups(hour + 60_000, 60).Select(m => m.BucketUnixMs));
        Assert.Empty(repository.Results.LinkRollups(hour, 60, agentId: "du-b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => repository.Results.LinkRollups(hour, 300));

        // A window that arrives after a derivation is counted at the next one, once.
        repository.Results.Store("du-a", [Window(8, 30_000, 1, 3, double.NaN)]);
        repository.Results.RollUp(hour);
        Assert.Equal((6L, 7L), (repository.Results.LinkRollups(hour, 60)[0].Windows, repository.Results.LinkRollups(hour, 3600)[0].Windows));
    }

    [Fact]
    public void LinkLoadsForecastsAndModels_ReadBackWhatTheLearningLoopNeeds()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var results = new List<Result>();
        for (var i = 1; i <= 30; i++)
        {
            results.Add(new Result { Sequence = (2 * i) - 1, ProducedUnixMs = now - 1000 + ((i + 1) / 2), Link = new LinkCapacity { LinkId = 1 + (i % 2), MeanGbps = i, Cells = { i % 2, 7 } } });
            results.Add(new Result { Sequence = 2 * i, ProducedUnixMs = now - 1000 + i, Forecast = new LoadForecast { LinkId = 1 + (i % 2), MedianGbps = i, ModelVersion = 3 } });
        }

        repository.Results.Store("du-a", results);

        // du-b: more results, but its link is older than the history asked for; du-c: one link, fewer results than du-a.
        repository.Agents.Register(new RegisterRequest { AgentId = "du-b", Site = "s", Version = "1" });
        repository.Results.Store("du-b", [.. Enumerable.Range(1, 80).Select(i => new Result { Sequence = i, ProducedUnixMs = now - 60_000 + i, Link = new LinkCapacity { LinkId = 1, MeanGbps = 100 + i } })]);
        repository.Agents.Register(new RegisterRequest { AgentId = "du-c", Site = "s", Version = "1" });
        repository.Results.Store("du-c", [.. Enumerable.Range(1, 3).Select(i => new Result { Sequence = i, ProducedUnixMs = now - 1000 + i, Link = new LinkCapacity { LinkId = 4, MeanGbps = 40 + i } })]);

        // The newest 5 of each link of the agents asked for, oldest first, grouped by agent and link.
        var loads = repository.Results.LinkLoads(["du-c", "du-a"], now - 10_000, perLink: 5);
        Assert.Equal(
            [("du-a", 1, 22.0), ("du-a", 1, 24.0), ("du-a", 1, 26.0), ("du-a", 1, 28.0), ("du-a", 1, 30.0), ("du-a", 2, 21.0), ("du-a", 2, 23.0), ("du-a", 2, 25.0), ("du-a", 2, 27.0), ("du-a", 2, 29.0), ("du-c", 4, 41.0), ("du-c", 4, 42.0), ("du-c", 4, 43.0)],
            loads.Select(l => (l.AgentId, l.LinkId, l.MeanGbps)));
        Assert.Equal("0,7", loads[0].Cells);
        Assert.Empty(repository.Results.LinkLoads(["du-b"], now - 10_000, perLink: 5));
        Assert.Equal([101.0, 102.0], repository.Results.LinkLoads(["du-b"], now - 60_000, perLink: 80).Take(2).Select(l => l.MeanGbps));

        // The agents with a link in the history, the most results first (training samples the first); the model goes to all.
        Assert.Equal(["du-a", "du-c"], repository.Results.AgentsWithLinks(now - 10_000));
        Assert.Equal(["du-b", "du-a", "du-c"], repository.Results.AgentsWithLinks(now - 60_000));

        var latest = repository.Results.Forecasts(now - 10_000, null, latestOnly: true);
        Assert.Equal([(1, 30.0), (2, 29.0)], latest.Select(f => (f.Forecast.LinkId, f.Forecast.MedianGbps)));
        Assert.Equal(30, repository.Results.Forecasts(now - 10_000, "du-a", latestOnly: false).Count);
        Assert.Empty(repository.Results.Forecasts(now - 10_000, "du-b", latestOnly: false));
        Assert.Equal([1, 2], repository.Results.LatestLinks(null).Where(l => l.AgentId == "du-a").Select(l => l.Link.LinkId));

        // Models: versions are assigned in order; the shipped one is the newest marked so.
        Assert.Null(repository.Models.Shipped());
        var first = repository.Models.Save(new ModelRecord { Name = "link-load", State = "shipped" }, [1, 2, 3]);
        var second = repository.Models.Save(new ModelRecord { Name = "link-load", State = "kept-previous" }, [4, 5]);
        Assert.Equal(first.Version + 1, second.Version);
        var shipped = repository.Models.Shipped()!.Value;
        Assert.Equal([1, 2, 3], shipped.Onnx);
        Assert.Equal(first.Version, shipped.Record.Version);
        first.Agents.Add("du-a");
        repository.Models.Update(first);
        Assert.Equal([1, 2, 3], repository.Models.Shipped()!.Value.Onnx);
        repository.Models.Update(first, [7, 8]);
        Assert.Equal([7, 8], repository.Models.Shipped()!.Value.Onnx);
        Assert.Equal([second.Version, first.Version], repository.Models.List(10).Select(m => m.Version));
        Assert.Equal(["du-a"], repository.Models.List(10)[1].Agents);
    }

    [Fact]
    public void DecisionsAuditAndEffects_KeepTheControlLoopsStateAndAnAppendOnlyTrail()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        var held = repository.Decisions.Save(new Decision { AgentId = "du-a", LinkId = 2, State = "held", ToGbps = 8, Cells = { 1, 5 } });
        var other = repository.Decisions.Save(new Decision { AgentId = "du-a", LinkId = 3, State = "approved", ToGbps = 4 });
        Assert.Equal(held.DecisionId + 1, other.DecisionId);
        Assert.True(held.CreatedUnixMs > 0);

        // A move succeeds only from the state the caller saw: two movers cannot both win.
        held.State = "approved";
        Assert.True(repository.Decisions.Update(held, "held"));
        held.State = "rejected";
        Assert.False(repository.Decisions.Update(held, "held"));
        Assert.Equal("approved", repository.Decisions.ById(held.DecisionId)!.State);
        Assert.Equal([other.DecisionId, held.DecisionId], repository.Decisions.List(["approved"], 10).Select(d => d.DecisionId));
        Assert.Empty(repository.Decisions.List(["held"], 10));
        // The newest decision of each link, in one read: a later one on link 2 replaces the approved one.
        var newer = repository.Decisions.Save(new Decision { AgentId = "du-a", LinkId = 2, State = "rejected", ToGbps = 9 });
        Assert.Equal([(2, newer.DecisionId), (3, other.DecisionId)], repository.Decisions.LatestPerLink().OrderBy(l => l.Key.LinkId).Select(l => (l.Key.LinkId, l.Value.DecisionId)));

        var command = repository.Commands.Issue(new Command { AgentId = "du-a", Capacity = new CapacityTarget { LinkId = 2, CapacityGbps = 8 } });
        Assert.Equal("pending", repository.Commands.State(command.CommandId)!.Value.State);
        repository.Commands.Acknowledge("du-a", command.CommandId, true, "done");
        Assert.Equal(("applied", "done"), repository.Commands.State(command.CommandId));
        Assert.Null(repository.Results.EffectOf("du-a", command.CommandId));
        repository.Results.Store("du-a", [new Result { Sequence = 1, ProducedUnixMs = 1, Effect = new ControlEffect { CommandId = command.CommandId, LinkId = 2, LossPercent = 0.4 } }]);
        Assert.Equal(0.4, repository.Results.EffectOf("du-a", command.CommandId)!.LossPercent);
        Assert.Empty(repository.Results.LatestLinks(null));

        var first = repository.Decisions.Audit(held.DecisionId, "policy", "held for approval", "costs too much");
        repository.Decisions.Audit(held.DecisionId, "operator:ana", "approved", "ok");
        repository.Decisions.Audit(0, "operator:ana", "command", "Configure command 1");
        Assert.Equal(["held for approval", "approved"], repository.Decisions.AuditTrail(held.DecisionId, 10).Select(e => e.Event));
        Assert.Equal(["approved", "command"], repository.Decisions.AuditTrail(0, 2).Select(e => e.Event));
        Assert.Equal(3, repository.Decisions.AuditTrail(0, 10).Count);

        // Append-only: the schema refuses to change or remove a line, whoever asks.
        Assert.ThrowsAny<System.Data.Common.DbException>(() => repository.ExecuteForTest($"UPDATE audit SET detail = 'edited' WHERE entry_id = {first.EntryId}"));
        Assert.ThrowsAny<System.Data.Common.DbException>(() => repository.ExecuteForTest("DELETE FROM audit"));
        Assert.Equal("costs too much", repository.Decisions.AuditTrail(held.DecisionId, 10)[0].Detail);
    }

    [Fact]
    public void Store_SameBatchTwice_StoresEachResultOnce()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "a1", Site = "s", Version = "1" });

        var first = repository.Results.Store("a1", Links(1, 10));
        var again = repository.Results.Store("a1", Links(1, 10));
        var overlapping = repository.Results.Store("a1", Links(6, 15));

        Assert.Equal((10, 10L), first);
        Assert.Equal((0, 10L), again);
        Assert.Equal((5, 15L), overlapping);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), repository.Results.Sequences("a1"));
        Assert.Equal(repository.Migrations.Count, repository.SchemaVersion);
    }

    [Fact]
    public void Store_AnEmptyBatch_StoresNothing_AndReportsTheAgentsCountSoFar()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "a1", Site = "s", Version = "1" });

        var before = repository.Results.Store("a1", []);
        repository.Results.Store("a1", Links(1, 4));
        var after = repository.Results.Store("a1", []);

        Assert.Equal((0, 0L), before);
        Assert.Equal((0, 4L), after);
        Assert.Equal(Enumerable.Range(1, 4).Select(i => (long)i), repository.Results.Sequences("a1"));
    }

    [Fact]
    public void Store_WithTraceContext_KeepsItForTheLinkResultsThatDecisionsAreMadeFrom()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        const string Stored = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        repository.Results.Store("du-a", [new Result { Sequence = 1, ProducedUnixMs = 3, Link = new LinkCapacity { LinkId = 2, CapacityGbps = 3 } }], Stored);
        repository.Results.Store("du-a", [new Result { Sequence = 2, ProducedUnixMs = 3, Link = new LinkCapacity { LinkId = 1, CapacityGbps = 3 } }]);

        // One window's two links stored by two calls: link 1's came untraced; link 2's keeps the span that stored it.
        Assert.Equal([(1, string.Empty), (2, Stored)], repository.Results.LatestLinks(null).Select(l => (l.Link.LinkId, l.TraceParent)));
    }

    [Fact]
    public void AgentsAndLatestLinks_SummariseWhatEachAgentStored()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-b", Site = "north", Version = "2" });
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "north", Version = "1", Capabilities = { "capacity-sizing" } });
        repository.Agents.Register(new RegisterRequest { AgentId = "du-c", Site = "south", Version = "1" });
        repository.Results.Store("du-a", Links(1, 9));
        repository.Results.Store("du-b", [new Result { Sequence = 1, Cell = new CellWindow { CellId = 3, MeanGbps = 1 } }]);

        var agents = repository.Agents.List();
        var links = repository.Results.LatestLinks("north");

        Assert.Equal(["du-a", "du-b", "du-c"], agents.Select(a => a.AgentId));
        Assert.Equal([9L, 1L, 0L], agents.Select(a => a.ResultsStored));
        Assert.Equal([9L, 1L, 0L], agents.Select(a => a.StoredThrough));
        Assert.Equal([(1, 8.0), (2, 9.0)], links.Select(l => (l.Link.LinkId, l.Link.CapacityGbps)));
        Assert.Empty(repository.Results.LatestLinks("south"));
    }

    [Fact]
    public void LatestLinks_AgentRegroupedItsCells_ShowsOnlyTheLinksOfItsLatestPicture()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        repository.Agents.Register(new RegisterRequest { AgentId = "du-b", Site = "s", Version = "1" });

        // The first, partial window put cells 7 and 8 on a link 3 of their own; the full window after it has two links.
        repository.Results.Store("du-a",
        [
            new Result { Sequence = 1, ProducedUnixMs = 100, Link = new LinkCapacity { LinkId = 1, Cells = { 5 } } },
            new Result { Sequence = 2, ProducedUnixMs = 100, Link = new LinkCapacity { LinkId = 2, Cells = { 6 } } },
            new Result { Sequence = 3, ProducedUnixMs = 100, Link = new LinkCapacity { LinkId = 3, Cells = { 7, 8 } } },
            new Result { Sequence = 4, ProducedUnixMs = 100, Cell = new CellWindow { CellId = 5 } },
            new Result { Sequence = 5, ProducedUnixMs = 200, Link = new LinkCapacity { LinkId = 1, Cells = { 1, 2, 3, 4 }, CapacityGbps = 25 } },
            new Result { Sequence = 6, ProducedUnixMs = 200, Link = new LinkCapacity { LinkId = 2, Cells = { 5, 6, 7, 8 }, CapacityGbps = 29 } },
            new Result { Sequence = 7, ProducedUnixMs = 200, Cell = new CellWindow { CellId = 5 } },
        ]);
        repository.Results.Store("du-b", [new Result { Sequence = 1, ProducedUnixMs = 50, Link = new LinkCapacity { LinkId = 4, Cells = { 1 }, CapacityGbps = 3 } }]);

        var links = repository.Results.LatestLinks(null);

        Assert.Equal([("du-a", 1, 25.0), ("du-a", 2, 29.0), ("du-b", 4, 3.0)], links.Select(l => (l.AgentId, l.Link.LinkId, l.Link.CapacityGbps)));
    }

    [Fact]
    public void Store_LateOrResentResultsAfterNewerOnes_LeaveTheNewestLinkCellAndForecastCurrent()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "s", Version = "1" });
        static List<Result> Window(long first, long at, double gbps) =>
        [
            new Result { Sequence = first, ProducedUnixMs = at, Link = new LinkCapacity { LinkId = 1, Cells = { 1 }, CapacityGbps = gbps } },
            new Result { Sequence = first + 1, ProducedUnixMs = at, Cell = new CellWindow { CellId = 1, MeanGbps = gbps } },
            new Result { Sequence = first + 2, ProducedUnixMs = at, Forecast = new LoadForecast { LinkId = 1, MedianGbps = gbps } },
        ];

        // Window 2 arrives first; window 1 comes late (an outbox refilling a gap), and window 2 again (a lost acknowledgement).
        repository.Results.Store("du-a", Window(4, 2000, 20));
        repository.Results.Store("du-a", Window(1, 1000, 10));
        repository.Results.Store("du-a", Window(4, 2000, 20));

        Assert.Equal([20.0], repository.Results.LatestLinks(null).Select(l => l.Link.CapacityGbps));
        Assert.Equal([20.0], repository.Results.LatestCells(0).Select(c => c.Cell.MeanGbps));
        Assert.Equal([20.0], repository.Results.Forecasts(0, null, latestOnly: true).Select(f => f.Forecast.MedianGbps));
        Assert.Equal([10.0, 20.0], repository.Results.Forecasts(0, null, latestOnly: false).Select(f => f.Forecast.MedianGbps));
        Assert.Empty(repository.Results.LatestCells(2001));
        Assert.Empty(repository.Results.Forecasts(2001, null, latestOnly: true));
    }

    [Fact]
    public async Task ConcurrentAgentsWithRetries_EachStoreEveryResultOnce()
    {
        using var repository = Open();
        // More agents than cores: on SQLite their batches share commits (group commit), and each still gets its own count.
        const int Agents = 16, Batches = 20, Size = 50;
        await Parallel.ForEachAsync(Enumerable.Range(0, Agents), async (a, _) =>
        {
            var id = $"agent-{a}";
            repository.Agents.Register(new RegisterRequest { AgentId = id, Site = "s", Version = "1" });
            for (var b = 0; b < Batches; b++)
            {
                var batch = Links((b * Size) + 1, (b + 1) * Size);
                Assert.Equal((Size, (long)(b + 1) * Size), repository.Results.Store(id, batch));
                Assert.Equal(0, repository.Results.Store(id, batch).Inserted);   // the retry after a lost ack
                await Task.Yield();
            }
        });

        Assert.All(Enumerable.Range(0, Agents), a => Assert.Equal(Batches * Size, repository.Results.Sequences($"agent-{a}").Count));
    }

    [Fact]
    public void LossEvidenceLatestCellsAndTopology_ReadBackWhatWasStored()
    {
        using var repository = Open();
        repository.Agents.Register(new RegisterRequest { AgentId = "du-a", Site = "north", Version = "1" });
        repository.Results.Store("du-a",
        [
            new Result { Sequence = 1, ProducedUnixMs = 1_000, Cell = new CellWindow { CellId = 4, MeanGbps = 1 } },
            new Result { Sequence = 2, ProducedUnixMs = 2_000, Cell = new CellWindow { CellId = 4, MeanGbps = 2 } },
            new Result { Sequence = 3, ProducedUnixMs = 2_000, Loss = LossEventsCodec.Encode(4, [10, 12]) },
            new Result { Sequence = 4, ProducedUnixMs = 500, Loss = LossEventsCodec.Encode(4, [3]) },
        ]);

        var loss = repository.Results.LossEvidence(sinceUnixMs: 1_000);
        var cells = repository.Results.LatestCells(sinceUnixMs: 0);
        Assert.Null(repository.Topology.Latest());
        var first = repository.Topology.Save(new NetworkTwin.Contracts.Topology.TopologyMap { Statement = "one" });
        var second = repository.Topology.Save(new NetworkTwin.Contracts.Topology.TopologyMap { Statement = "two" });

        Assert.Equal([10L, 12L], LossEventsCodec.Decode(Assert.Single(loss).Events));
        Assert.Equal(("du-a", "north", 2.0), (cells.Single().AgentId, cells.Single().Site, cells.Single().Cell.MeanGbps));
        Assert.Equal((1L, 2L), (first.Version, second.Version));
        Assert.Equal("two", repository.Topology.Latest()!.Statement);
    }

    [Fact]
    public void Commands_StayPendingUntilAcknowledgedOnce()
    {
        using var repository = Open();
        var issued = repository.Commands.Issue(new Command { AgentId = "du-a", Reason = "r", Configure = new ConfigurationChange { Settings = { ["k"] = "v" } } });
        var other = repository.Commands.Issue(new Command { AgentId = "du-b", Reason = "r", Configure = new ConfigurationChange { Settings = { ["k"] = "v" } } });

        Assert.Equal([issued.CommandId], repository.Commands.Pending("du-a", 0).Select(c => c.CommandId));
        Assert.Empty(repository.Commands.Pending("du-a", issued.CommandId));
        Assert.False(repository.Commands.Acknowledge("du-b", issued.CommandId, true, "not mine"));
        Assert.True(repository.Commands.Acknowledge("du-a", issued.CommandId, true, "done"));
        Assert.False(repository.Commands.Acknowledge("du-a", issued.CommandId, true, "again"));
        Assert.Empty(repository.Commands.Pending("du-a", 0));
        var records = repository.Commands.List(null, 10);
        Assert.Equal([other.CommandId, issued.CommandId], records.Select(r => r.Command.CommandId));
        Assert.Equal(("applied", "done"), (records[1].State, records[1].Detail));
        Assert.Equal("pending", records[0].State);
    }

    [Fact]
    public void IssueModelUpdate_ToManyAgents_StoresTheBytesOnce_AndEachAgentGetsThemWithItsCommand()
    {
        using var repository = Open();
        var onnx = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        var model = repository.Models.Save(new ModelRecord { Name = "link-load", State = "shipped" }, onnx);
        var sha = Convert.ToHexString(SHA256.HashData(onnx));
        var agents = Enumerable.Range(0, 40).Select(i => $"du-{i}").ToList();

        var issued = repository.Commands.IssueModelUpdate(agents, new ModelUpdate { Name = "link-load", Version = model.Version, Sha256 = sha, Onnx = ByteString.CopyFrom(onnx) }, "roll out");

        // Stored: 40 references to the version, none with a copy of its 200 kB.
        Assert.Equal(agents, issued.Select(c => c.AgentId));
        Assert.All(repository.Commands.List(null, 100), r => Assert.True(r.Command.Model.Onnx.IsEmpty && r.Command.Model.Version == model.Version));

        // Sent: every agent's command carries the version's bytes, whole.
        foreach (var agent in agents)
        {
            var pending = Assert.Single(repository.Commands.Pending(agent, 0));
            Assert.Equal(sha, Convert.ToHexString(SHA256.HashData(pending.Model.Onnx.Span)));
        }

        // New bytes for the version (the trainer re-exports when another coordinator took its number) are what goes out.
        repository.Models.Update(model, [9, 9, 9]);
        Assert.Equal([9, 9, 9], repository.Commands.Pending("du-0", 0)[0].Model.Onnx.ToByteArray());

        // A version that is not stored goes without bytes: the agent refuses it, saying so.
        repository.Commands.IssueModelUpdate(["du-x"], new ModelUpdate { Name = "link-load", Version = model.Version + 100, Sha256 = sha }, "gone");
        Assert.True(Assert.Single(repository.Commands.Pending("du-x", 0)).Model.Onnx.IsEmpty);
    }

    [Fact]
    public void TryHoldLease_OneHolderAtATime_UntilItExpiresOrIsGivenUp()
    {
        using var repository = Open();
        var ttl = TimeSpan.FromMilliseconds(600);

        Assert.Null(repository.Leases.Holder("loops"));
        Assert.Equal("a", repository.Leases.TryHold("loops", "a", ttl));
        Assert.Equal("a", repository.Leases.TryHold("loops", "b", ttl));   // b waits while a's lease runs
        Assert.Equal("a", repository.Leases.TryHold("loops", "a", ttl));   // a renews
        Assert.True(repository.Leases.Holder("loops")!.Value.RemainingMs > 0);

        Thread.Sleep(900);
        Assert.True(repository.Leases.Holder("loops")!.Value.RemainingMs < 0);
        Assert.Equal("b", repository.Leases.TryHold("loops", "b", ttl));   // a stopped renewing: b takes over
        Assert.Equal("b", repository.Leases.TryHold("loops", "a", ttl));

        repository.Leases.Release("loops", "a");                         // not a's to give up
        Assert.Equal("b", repository.Leases.Holder("loops")!.Value.Holder);
        repository.Leases.Release("loops", "b");
        Assert.Equal("a", repository.Leases.TryHold("loops", "a", ttl));   // given up: the next one takes it at once
        Assert.Equal("c", repository.Leases.TryHold("loops", "c", ttl, takeOver: true));
    }
}
