using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Resilience;

namespace NetworkTwin.Analytics.Tests.Resilience;

public class FailureSimulatorTests
{
    private static Network Ring(int n, IReadOnlyList<Demand>? demands = null) => new(
        "ring",
        [.. Enumerable.Range(0, n).Select(i => new NetworkNode($"{i}", $"r{i}"))],
        [.. Enumerable.Range(0, n).Select(i => new NetworkLink(Math.Min(i, (i + 1) % n), Math.Max(i, (i + 1) % n), 10) { RiskGroups = i < 2 ? ["duct-1"] : [] })],
        demands ?? []);

    [Fact]
    public void Simulate_Ring_NoSingleFailureSplitsIt_ButTheSharedDuctDoes()
    {
        var report = FailureSimulator.Simulate(Ring(6), new SimulationOptions());

        var links = report.Kinds.Single(k => k.Kind == FailureKind.Link);
        var srg = report.Outcomes.Single(o => o.Scenario.Kind == FailureKind.RiskGroup);
        var doubles = report.Kinds.Single(k => k.Kind == FailureKind.DoubleLink);
        Assert.Equal((6, 0), (links.Simulated, links.Partitioning));
        Assert.Equal(2, srg.Components);
        // Any two cuts split a ring.
        Assert.Equal((15, 15), (doubles.Simulated, doubles.Partitioning));
        Assert.Null(doubles.Confidence);

        // Cutting one link of a 6-ring: its two ends go from 1 hop to 5.
        var one = report.Outcomes.First(o => o.Scenario.Kind == FailureKind.Link);
        Assert.Equal(4, one.MaxExtraHops);
        Assert.True(one.AverageStretch > 1);
    }

    [Fact]
    public void Simulate_Demands_ReroutedLoadAndStrandedDemandAreReported()
    {
        // 0 -> 3 (3 Gbit/s) goes both ways round a 6-ring: 1.5 each; cut one side and 3 go the other way.
        var report = FailureSimulator.Simulate(Ring(6, [new Demand(0, 3, 3)]), new SimulationOptions { DoubleLinks = false });

        Assert.Equal(0.15, report.BaselineWorstUtilisation);
        var link = report.Outcomes.First(o => o.Scenario.Kind == FailureKind.Link && o.Scenario.Links[0] == 0);
        Assert.Equal(0.3, link.WorstUtilisation);
        var node = report.Outcomes.Single(o => o.Scenario.Kind == FailureKind.Node && o.Scenario.Nodes[0] == 3);
        Assert.Equal(3, node.UnreachableDemandGbps);
    }

    [Fact]
    public void Simulate_ManyLinkPairs_SamplesAndStatesTheConfidence()
    {
        var network = Graphs.AllPairsHopsTests.RandomNetwork(60, 30, 4);

        var report = FailureSimulator.Simulate(network, new SimulationOptions { SingleNodes = false, ExhaustiveDoubleLimit = 100, DoubleSamples = 300 });

        var doubles = report.Kinds.Single(k => k.Kind == FailureKind.DoubleLink);
        Assert.Equal(300, doubles.Simulated);
        Assert.Equal(89L * 88 / 2, doubles.Possible);
        Assert.Contains("95% interval", doubles.Confidence, StringComparison.Ordinal);
    }
}
