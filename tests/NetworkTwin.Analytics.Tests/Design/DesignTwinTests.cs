using NetworkTwin.Analytics.Design;
using NetworkTwin.Analytics.Graphs;

namespace NetworkTwin.Analytics.Tests.Design;

public class DesignTwinTests
{
    private static DesignIntent Intent(Redundancy redundancy, Objective objective = Objective.Cost, int sites = 24, int regions = 3) => new()
    {
        Name = "test",
        SiteModel = new SiteModel { Count = sites, Regions = regions, SpreadKm = 1500, Seed = 5 },
        DemandModel = new DemandModel { Kind = "gravity", TotalGbps = 500 },
        Redundancy = redundancy,
        Objective = objective,
    };

    [Fact]
    public void Validate_BadIntent_NamesEveryFieldByItsPath()
    {
        var intent = new DesignIntent
        {
            Name = "",
            Sites = [new IntentSite { Id = "a", Lat = 91, Lon = 0 }, new IntentSite { Id = "a", Lat = 0, Lon = 0 }],
            Demands = [new IntentDemand { From = "a", To = "zz", Gbps = -1 }],
            Constraints = new IntentConstraints { Budget = -5, LinkTypes = [new LinkType { Name = "x", CapacityGbps = 0 }] },
        };

        var errors = intent.Validate();

        Assert.Contains(errors, e => e.StartsWith("name:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sites[0].lat:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("sites[1].id: \"a\" is used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("demands[0].to: \"zz\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("demands[0].gbps:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("constraints.budget:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("constraints.linkTypes[0].capacityGbps:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Redundancy.None, 1, 1)]
    [InlineData(Redundancy.Standard, 2, 1)]
    [InlineData(Redundancy.High, 2, 2)]
    [InlineData(Redundancy.Critical, 3, 2)]
    public void Generate_EveryPattern_MeetsTheConnectivityItsRedundancyNeeds(Redundancy redundancy, int links, int nodes)
    {
        var intent = ExpandedIntent.From(Intent(redundancy));

        foreach (var pattern in Enum.GetValues<TopologyPattern>())
        {
            var (layout, _) = TopologyGenerator.Generate(pattern, intent);
            var graph = new CsrGraph(intent.Sites.Count, [.. layout.Select(l => new NetworkLink(l.A, l.B))]);

            Assert.True(Connectivity.Links(graph) >= links, $"{pattern}: link connectivity {Connectivity.Links(graph)} < {links}");
            Assert.True(Connectivity.Nodes(graph) >= nodes, $"{pattern}: node connectivity {Connectivity.Nodes(graph)} < {nodes}");
        }
    }

    [Fact]
    public void Size_StandardRedundancy_EveryLinkCarriesItsWorstSingleFailureLoadWithHeadroom()
    {
        var intent = ExpandedIntent.From(Intent(Redundancy.Standard));
        var (layout, log) = TopologyGenerator.Generate(TopologyPattern.Ring, intent);

        var design = DesignSizer.Size(intent, TopologyPattern.Ring, layout, log);

        Assert.All(design.Links, l => Assert.True(l.CapacityGbps * 0.8 >= l.DesignLoadGbps - 1e-9, $"{l.A}-{l.B}: {l.CapacityGbps} for {l.DesignLoadGbps}"));
        Assert.Equal(design.Links.Sum(l => l.Cost), design.Scores.Cost, 3);

        // Sized for every single link failure, so every one of them is survived.
        Assert.Equal(1.0, SingleLinkSurvival(design));
    }

    private static double SingleLinkSurvival(DesignResult design)
    {
        var graph = new CsrGraph(design.Network);
        var router = new EcmpRouter(graph, design.Network.Demands);
        var loads = new double[2 * design.Network.LinkCount];
        var ok = 0;
        for (var i = 0; i < design.Network.LinkCount; i++)
        {
            var down = new bool[design.Network.LinkCount];
            down[i] = true;
            var lost = router.Route(down, [], loads);
            var overloaded = Enumerable.Range(0, design.Network.LinkCount).Any(l => Math.Max(loads[2 * l], loads[(2 * l) + 1]) > design.Network.Links[l].CapacityGbps!.Value + 1e-9);
            ok += lost == 0 && !overloaded ? 1 : 0;
        }

        return (double)ok / design.Network.LinkCount;
    }

    [Fact]
    public void Recommend_RanksEveryApplicablePattern_AndPastOutcomesMoveTheScores()
    {
        var intent = ExpandedIntent.From(Intent(Redundancy.Standard, Objective.Latency, sites: 16, regions: 2));

        var fresh = DesignRecommender.Recommend(intent, []);
        var last = fresh.Options[^1].Design.Pattern;
        var history = Enumerable.Repeat(new DesignOutcome(IntentFeatures.Of(intent), last, 1.0, true), 5).ToList();
        var informed = DesignRecommender.Recommend(intent, history);

        Assert.Equal(Enum.GetValues<TopologyPattern>().Length, fresh.Options.Count);
        Assert.Equal(1.0, fresh.Options.Sum(o => o.Confidence), 2);
        Assert.Equal(fresh.Options.OrderByDescending(o => o.Score).Select(o => o.Design.Pattern), fresh.Options.Select(o => o.Design.Pattern));
        Assert.Equal(5, informed.SimilarPastOutcomes);
        Assert.True(informed.Options.Single(o => o.Design.Pattern == last).Score > fresh.Options.Single(o => o.Design.Pattern == last).Score);
        Assert.All(fresh.Options, o => Assert.False(string.IsNullOrWhiteSpace(o.Rationale)));
    }

    [Fact]
    public void Optimize_KeepsRedundancyAndNeverRaisesCost_AndLogsEveryTrial()
    {
        var intent = ExpandedIntent.From(Intent(Redundancy.Standard, sites: 12, regions: 2));
        var (layout, log) = TopologyGenerator.Generate(TopologyPattern.DualHub, intent);
        var start = DesignSizer.Size(intent, TopologyPattern.DualHub, layout, log);

        var (result, audit) = DesignOptimizer.Optimize(intent, start, maxTrials: 8);

        Assert.Equal(8, audit.Count);
        Assert.True(result.Scores.Cost <= start.Scores.Cost);
        Assert.True(result.Scores.LinkConnectivity >= 2);
        Assert.All(audit, a => Assert.False(string.IsNullOrWhiteSpace(a.Reason)));
    }
}

public class SharedRiskTests
{
    private static DesignIntent Hexagon(Redundancy redundancy) => new()
    {
        Name = "hexagon",
        Redundancy = redundancy,
        Sites = [.. Enumerable.Range(0, 6).Select(i => new IntentSite
        {
            Id = $"s{i}",
            Lat = 45 + Math.Sin(i * Math.PI / 3),
            Lon = 5 + Math.Cos(i * Math.PI / 3),
        })],
        DemandModel = new DemandModel { Kind = "uniform", TotalGbps = 60 },

        // Two opposite sides of the ring run through one duct.
        SharedRisks = [new SharedRisk { Name = "duct-1", Links = [["s0", "s1"], ["s3", "s4"]] }],
    };

    [Fact]
    public void Size_RingThroughOneDuctTwice_HighRedundancyReportsTheSplittingRisk()
    {
        var intent = ExpandedIntent.From(Hexagon(Redundancy.High));
        var (layout, log) = TopologyGenerator.Generate(TopologyPattern.Ring, intent);

        var design = DesignSizer.Size(intent, TopologyPattern.Ring, layout, log);

        Assert.Equal(2, design.Network.Links.Count(l => l.RiskGroups.Contains("duct-1")));
        Assert.Equal(["duct-1"], design.Scores.SplittingRisks);
        Assert.Contains(design.Violations, v => v.Contains("shared risk(s) duct-1", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RiskOnUnknownSite_NamesThePair()
    {
        var intent = Hexagon(Redundancy.High);
        intent.SharedRisks[0].Links.Add(["s0", "nowhere"]);

        var errors = intent.Validate();

        Assert.Contains(errors, e => e.StartsWith("sharedRisks[0].links[2]: \"nowhere\"", StringComparison.Ordinal));
    }
}
