using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using NetworkTwin.Central.Service;
using NetworkTwin.Central.Tests.Repository;
using NetworkTwin.Contracts.Design;
using NetworkTwin.Contracts.Operators;
using NetworkTwin.Testing;
using NetworkTwin.Testing.Launchers;

namespace NetworkTwin.Central.Tests.Designs;

/// <summary>
/// The design twin on the coordinator, over real HTTP/2 on a throw-away PostgreSQL: operators with their own tokens share
/// one history, the recommender learns from all of it, choices and outcomes are audited, and long runs stream progress,
/// are limited and can be cancelled.
/// </summary>
public sealed class DesignServiceTests(PostgresClusterFixture postgres) : IClassFixture<PostgresClusterFixture>, IAsyncLifetime
{
    private const string Alice = "alice-token-0123456789";
    private const string Bob = "bob-token-0123456789ab";
    private const string Carol = "carol-token-0123456789";
    private const string Wall = "wall-token-0123456789a";

    /// <summary>A small metro intent: eight sites in one region, cost first (Tree wins it narrowly, DualHub is next).</summary>
    private static readonly string Metro = File.ReadAllText(Path.Combine(SourceTree.Root()!, "central", "NetworkTwin.Console", "Design", "Intents", "metro-8.yaml"));

    private readonly string _dir = Directory.CreateTempSubdirectory("nt-designs-").FullName;
    private WebApplication _coordinator = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        _coordinator = CoordinatorHost.Build([], c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordinator:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Coordinator:Metrics:Port"] = "0",
            ["Coordinator:DataDirectory"] = _dir,
            ["Coordinator:Repository:Provider"] = "postgresql",
            ["Coordinator:Repository:ConnectionString"] = postgres.NewDatabase(),
            ["Coordinator:Control:EverySeconds"] = "0",
            ["Coordinator:Learning:EveryMinutes"] = "0",
            ["Coordinator:Design:MaxConcurrentRuns"] = "1",
            ["Coordinator:OperatorTokens:alice"] = Alice,
            ["Coordinator:OperatorTokens:bob"] = Bob,
            ["Coordinator:OperatorTokens:carol"] = Carol,
            ["Coordinator:OperatorTokens:wall"] = Wall,
            ["Coordinator:OperatorRoles:wall"] = "viewer",
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await _coordinator.StartAsync();
        _channel = CoordinatorClients.Channel(port);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _coordinator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Metadata As(string token) => new() { { "authorization", $"Bearer {token}" } };

    /// <summary>The intent as the CLI sends it: read from YAML, sent as JSON.</summary>
    private static IntentDocument Intent(string yaml) => new()
    {
        Json = NetworkTwin.Analytics.Design.IntentJson.Write(new YamlDotNet.Serialization.DeserializerBuilder()
            .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.CamelCaseNamingConvention.Instance).Build()
            .Deserialize<NetworkTwin.Analytics.Design.DesignIntent>(yaml)),
    };

    /// <summary>Reads a run's stream to its reply; returns the reply and how many progress messages came before it.</summary>
    private static async Task<(DesignReply Reply, int Progress)> ReplyOf(AsyncServerStreamingCall<DesignEvent> call)
    {
        using (call)
        {
            var progress = 0;
            await foreach (var item in call.ResponseStream.ReadAllAsync())
            {
                if (item.EventCase == DesignEvent.EventOneofCase.Reply)
                {
                    return (item.Reply, progress);
                }

                progress++;
            }

            throw new InvalidOperationException("the run ended without a reply");
        }
    }

    private Task<(DesignReply Reply, int Progress)> RecommendAs(string token) =>
        ReplyOf(_channel.Designs().Recommend(new RecommendRequest { Intent = Intent(Metro) }, As(token)));

    [Fact]
    public async Task TwoOperatorsRecordDesigns_AThirdRecommendationLearnsFromBoth_AndTheAuditNamesEach()
    {
        var designs = _channel.Designs();

        // Alice's run: nothing recorded yet, so the ranking rests on the simulation; she builds the first option and it
        // turns out badly (twice the cost expected, the intent not met).
        var (first, progress) = await RecommendAs(Alice);
        Assert.True(progress > 0, "the run reported its progress");
        Assert.Equal(0, first.SimilarPastOutcomes);
        var top = first.Records[0];
        Assert.Equal(("alice", 1, "Tree"), (top.Operator, top.Rank, top.Pattern));
        Assert.All(first.Records, r => Assert.Equal(top.RecordId, r.RunId));
        await designs.ChooseDesignAsync(new ChooseDesignRequest { RecordId = top.RecordId, Note = "cheapest" }, As(Alice));
        var reported = await designs.ReportOutcomeAsync(new ReportOutcomeRequest { RecordId = top.RecordId, MetIntent = false, ActualCost = 2 * top.Scores.Cost, Note = "duct rebuilt" }, As(Alice));
        Assert.Equal(Math.Round(top.Score * 0.5, 4), reported.Outcome.RealisedScore);

        // Bob's run reads Alice's outcome: the tree is no longer first. He builds the new first option; it does as expected.
        var (second, _) = await RecommendAs(Bob);
        Assert.Equal(first.Records.Count, second.SimilarPastOutcomes);
        var bobsTop = second.Records[0];
        Assert.NotEqual("Tree", bobsTop.Pattern);
        await designs.ChooseDesignAsync(new ChooseDesignRequest { RecordId = bobsTop.RecordId }, As(Bob));
        await designs.ReportOutcomeAsync(new ReportOutcomeRequest { RecordId = bobsTop.RecordId, MetIntent = true, ActualCost = bobsTop.Scores.Cost }, As(Bob));

        // Carol's run weighs both operators' runs and outcomes.
        var (third, _) = await RecommendAs(Carol);
        Assert.Equal(first.Records.Count + second.Records.Count, third.SimilarPastOutcomes);
        Assert.Equal(bobsTop.Pattern, third.Records[0].Pattern);
        var tree = third.Records.Single(r => r.Pattern == "Tree");
        Assert.True(tree.Rank > 1 && tree.Score < top.Score, $"the tree is ranked {tree.Rank} at {tree.Score}, against first at {top.Score} before any outcome");
        // Its history: Alice's tree as it turned out (halved, as it missed the intent) beside Bob's tree as scored.
        var bobsTree = second.Records.Single(r => r.Pattern == "Tree");
        Assert.Equal(Math.Round((reported.Outcome.RealisedScore * 0.5 + bobsTree.Score) / 2, 4), tree.HistoryScore, 3);

        // The audit trail names who chose and who reported.
        var audit = await _channel.Operators().ListAuditAsync(new ListAuditRequest(), As(Carol));
        Assert.Contains(audit.Entries, e => e.Actor == "operator:alice" && e.Event == "design-chosen" && e.Detail.Contains("Tree", StringComparison.Ordinal) && e.Detail.EndsWith(": cheapest", StringComparison.Ordinal));
        Assert.Contains(audit.Entries, e => e.Actor == "operator:alice" && e.Event == "design-outcome" && e.Detail.Contains("did not meet", StringComparison.Ordinal));
        Assert.Contains(audit.Entries, e => e.Actor == "operator:bob" && e.Event == "design-chosen" && e.Detail.Contains(bobsTop.Pattern, StringComparison.Ordinal));
        Assert.Contains(audit.Entries, e => e.Actor == "operator:bob" && e.Event == "design-outcome");

        // The history filters by pattern and intent; the learning report counts who followed the recommendation.
        var trees = await designs.ListHistoryAsync(new DesignHistoryRequest { Pattern = "Tree", Intent = "METRO" }, As(Wall));
        Assert.Equal(3, trees.Records.Count);
        var report = await designs.GetLearningReportAsync(new LearningReportRequest(), As(Wall));
        Assert.Equal((3, 2, 2, 2, 1), (report.RecommendationRuns, report.RunsWithChoice, report.Followed, report.Outcomes, report.OutcomesMet));
        Assert.Equal(["alice", "bob", "carol"], report.Operators);
        Assert.Equal(1.5, report.MeanCostRatio);
        Assert.Contains(report.Patterns, p => p.Pattern == "Tree" && p.Redundancy == "Standard" && p.Objective == "Cost" && p.Offered == 3 && p.Chosen == 1 && p.Outcomes == 1 && p.OutcomesMet == 0);
        Assert.Equal(3, Assert.Single(report.Trend).Runs);
    }

    [Fact]
    public async Task GenerateAndOptimize_AreRecorded_AndTheOptimisationIsAnAuditEntry()
    {
        var designs = _channel.Designs();

        var (generated, _) = await ReplyOf(designs.Generate(new GenerateRequest { Intent = Intent(Metro), Pattern = "ring" }, As(Alice)));
        var (optimized, progress) = await ReplyOf(designs.Optimize(new OptimizeRequest { Intent = Intent(Metro), Pattern = "FullMesh", MaxTrials = 4 }, As(Bob)));

        var ring = Assert.Single(generated.Records);
        Assert.Equal(("generate", "Ring", "alice"), (ring.Operation, ring.Pattern, ring.Operator));
        Assert.Contains("\"name\": \"metro-8\"", ring.IntentJson, StringComparison.Ordinal);
        Assert.True(ring.Links > 0 && ring.NetworkJson.Length > 0);
        var optimisation = Assert.Single(optimized.Records);
        Assert.Equal(4, optimisation.Steps.Count);
        Assert.All(optimisation.Steps, s => Assert.NotEmpty(s.Reason));
        Assert.True(optimisation.Scores.Cost <= optimisation.StartScores.Cost);
        Assert.True(progress > 0, "the trials were reported as they ran");
        var audit = await _channel.Operators().ListAuditAsync(new ListAuditRequest(), As(Alice));
        Assert.Contains(audit.Entries, e => e.Actor == "operator:bob" && e.Event == "design-optimised" && e.Detail.Contains($"design record {optimisation.RecordId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadInput_IsRefusedNamingWhat_AndAViewerMayReadButNotRun()
    {
        var designs = _channel.Designs();

        var badIntent = await Assert.ThrowsAsync<RpcException>(() => ReplyOf(designs.Recommend(new RecommendRequest { Intent = new IntentDocument { Json = """{"name":"x","siteModel":{"count":1}}""" } }, As(Alice))));
        var badPattern = await Assert.ThrowsAsync<RpcException>(() => ReplyOf(designs.Generate(new GenerateRequest { Intent = Intent(Metro), Pattern = "Star" }, As(Alice))));
        var badNetwork = await Assert.ThrowsAsync<RpcException>(() => ReplyOf(designs.Validate(new ValidateRequest { Network = new NetworkDocument { Json = "{\"name\":\"n\"" } }, As(Alice))));
        var viewer = await Assert.ThrowsAsync<RpcException>(() => ReplyOf(designs.Validate(new ValidateRequest { Network = new NetworkDocument { Json = "{}" } }, As(Wall))));
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await designs.ChooseDesignAsync(new ChooseDesignRequest { RecordId = 424242 }, As(Alice)));
        var badBucket = await Assert.ThrowsAsync<RpcException>(async () => await designs.GetLearningReportAsync(new LearningReportRequest { Bucket = "month" }, As(Wall)));
        var badImport = await Assert.ThrowsAsync<RpcException>(async () => await designs.ImportHistoryAsync(
            new ImportHistoryRequest { Source = "f1", Records = { new DesignRecord { Operation = "generate", Pattern = "Ring", IntentName = "x", RecordedUnixMs = 1, SourceId = 1 }, new DesignRecord { Operation = "delete", RecordedUnixMs = 1, SourceId = 2 } } },
            As(Alice)));
        var badCost = await Assert.ThrowsAsync<RpcException>(async () => await designs.ReportOutcomeAsync(new ReportOutcomeRequest { RecordId = 1, MetIntent = true, ActualCost = -5 }, As(Alice)));

        Assert.Equal(StatusCode.InvalidArgument, badIntent.StatusCode);
        Assert.Contains("siteModel.count", badIntent.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badPattern.StatusCode);
        Assert.Contains("LeafSpine", badPattern.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badNetwork.StatusCode);
        Assert.StartsWith("network: not a network document", badNetwork.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.PermissionDenied, viewer.StatusCode);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badBucket.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, badImport.StatusCode);
        Assert.StartsWith("records[1] (row 2)", badImport.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, badCost.StatusCode);
        Assert.Contains("actual_cost", badCost.Status.Detail, StringComparison.Ordinal);

        // Nothing refused was recorded (not even the good row of the refused import), and the service still answers.
        Assert.Empty((await designs.ListHistoryAsync(new DesignHistoryRequest(), As(Wall))).Records);
        var (valid, _) = await ReplyOf(designs.Validate(new ValidateRequest { Network = new NetworkDocument { Json = """{"name":"pair","nodes":[{"id":"a","name":"a"},{"id":"b","name":"b"}],"links":[{"a":0,"b":1}],"demands":[]}""" } }, As(Alice)));
        Assert.Equal((2, 1, 1), (valid.Records[0].Figures.Nodes, valid.Records[0].Figures.Links, valid.Records[0].Figures.Components));
    }

    [Fact]
    public async Task ALongRun_HoldsItsSlot_AndCancellingTheCallStopsItWithoutARecord()
    {
        var designs = _channel.Designs();
        var national = new IntentDocument { Json = """{"name":"national","siteModel":{"count":400,"regions":8},"demandModel":{"kind":"gravity","totalGbps":20000},"redundancy":"high"}""" };
        using var cancel = new CancellationTokenSource();
        using var call = designs.Recommend(new RecommendRequest { Intent = national }, As(Alice), cancellationToken: cancel.Token);

        // Once it reports progress it is running; a second run is refused while it holds the only slot.
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(DesignEvent.EventOneofCase.Progress, call.ResponseStream.Current.EventCase);
        var refused = await Assert.ThrowsAsync<RpcException>(() => ReplyOf(designs.Recommend(new RecommendRequest { Intent = Intent(Metro) }, As(Bob))));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("MaxConcurrentRuns", refused.Status.Detail, StringComparison.Ordinal);

        await cancel.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);

        // The slot comes free once the run has stopped, and the cancelled run recorded nothing.
        var (next, _) = await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    return await RecommendAs(Bob);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                {
                    return default;
                }
            },
            r => r.Reply is not null,
            "the slot came free",
            seconds: 60);
        Assert.Equal("bob", next.Records[0].Operator);
        var history = await designs.ListHistoryAsync(new DesignHistoryRequest(), As(Wall));
        Assert.All(history.Records, r => Assert.Equal("metro-8", r.IntentName));
    }
}
