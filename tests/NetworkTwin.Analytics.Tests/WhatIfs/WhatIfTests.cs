using NetworkTwin.Analytics.Graphs;
using NetworkTwin.Analytics.Graphs.Formats;
using NetworkTwin.Analytics.Leo;
using NetworkTwin.Analytics.WhatIfs;

namespace NetworkTwin.Analytics.Tests.WhatIfs;

public class WhatIfTests
{
    [Fact]
    public void Parse_ReadsEveryKindOfChange()
    {
        var changes = WhatIfChange.Parse("link-down:A-B + node-down:C + growth:1.5@C,D + spike:3@A/0.2-0.3 + new-site:N=C@A,B + capacity:A-B=40");

        Assert.Equal(
            [
                new WhatIfChange.LinkDown("A-B"), new WhatIfChange.NodeDown("C"), new WhatIfChange.Growth(1.5, ["C", "D"]),
                new WhatIfChange.Spike(3, ["A"], 0.2, 0.3), new WhatIfChange.NewSite("N", "C", ["A", "B"]), new WhatIfChange.Capacity("A-B", 40),
            ],
            changes,
            new ChangeComparer());
        Assert.Equal("traffic x1.5 on C, D", changes[2].Describe());
    }

    [Theory]
    [InlineData("", "at least one change")]
    [InlineData("explode:A", "unknown kind 'explode'")]
    [InlineData("growth:lots", "factor 'lots' must be a number")]
    [InlineData("spike:2", "needs its targets")]
    [InlineData("spike:2@A/0.5-0.1", "ends before it starts")]
    [InlineData("new-site:N", "write new-site:NAME=CLONE@ATTACH1,ATTACH2")]
    [InlineData("capacity:A-B", "write capacity:LINK=GBPS")]
    [InlineData("linkdown", "is not KIND:ARGUMENTS")]
    public void Parse_MalformedWhatIf_SaysWhatIsWrong(string text, string message)
    {
        var ex = Assert.Throws<FormatException>(() => WhatIfChange.Parse(text));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Four cells of square bursts on two links: cells 1,2 on link 1 and 3,4 on link 2.</summary>
    private static FronthaulTemplate Fronthaul(double capacityGbps = 3)
    {
        // 1000 slots of 0.5 ms; a cell sends 500 kbit (1 Gbit/s) in every other slot; cell 4 in the slots between.
        double[] Burst(int phase) => [.. Enumerable.Range(0, 1000).Select(i => (i + phase) % 2 == 0 ? 500.0 : 0.0)];
        var cells = new Dictionary<int, double[]> { [1] = Burst(0), [2] = Burst(0), [3] = Burst(0), [4] = Burst(1) };
        var links = new Dictionary<int, int[]> { [1] = [1, 2], [2] = [3, 4] };
        return new FronthaulTemplate(cells, links, new Dictionary<int, double> { [1] = capacityGbps, [2] = capacityGbps }, 0.0005, 0, 0.01, 100);
    }

    [Fact]
    public void Fronthaul_BaselineFits_GrowthAndFailureOverloadTheSharedLink()
    {
        var template = Fronthaul();

        var baseline = template.Run(WhatIf.Baseline);
        var grown = template.Run(WhatIf.Parse("growth:2@cell 1"));
        var failed = template.Run(WhatIf.Parse("link-down:1"));

        // Link 1: two aligned cells, 2 Gbit/s while on, under 3: no loss. Link 2: interleaved, a steady 1 Gbit/s.
        Assert.All(baseline.Links, l => Assert.Equal(0, l.LossPercent));
        Assert.Equal(600, baseline.CostPerMonth);
        // Cell 1 doubled: 3 Gbit/s while on, exactly the capacity: still no loss; its link is the busiest.
        Assert.Equal(1.0, grown.Links.Single(l => l.Link == "link 1").PeakUtilisation, 6);
        // Link 1 fails: all four cells on link 2 send 3 Gbit/s and 1 Gbit/s in turn, within 3: no loss, no cell unreachable.
        Assert.Equal(0, failed.UnreachablePercent);
        Assert.Equal(0, failed.Links.Single(l => l.Link == "link 1").CapacityGbps);
        Assert.Contains("switched to link 2", failed.Notes, StringComparison.Ordinal);
        Assert.Equal(300, failed.CostPerMonth);

        // With 2 Gbit/s links (no buffer) the failure drops 1 of every 4 Gbit offered over two slots (3 on, then 1).
        var tight = Fronthaul(2).Run(WhatIf.Parse("link-down:1"));
        Assert.Equal(25, tight.Links.Single(l => l.Link == "link 2").LossPercent, 3);
        Assert.Equal(1, tight.SlaViolations);
        var both = Fronthaul(2).Run(WhatIf.Parse("link-down:1+link-down:2"));
        Assert.Equal(100, both.UnreachablePercent, 6);
    }

    [Fact]
    public void Runner_RunsInParallel_KeepsTheOrder_AndReportsWhatDoesNotFit()
    {
        var template = Fronthaul();
        var asked = template.DefaultSweep().Append(WhatIf.Parse("link-down:9")).Append(WhatIf.Parse("node-down:x")).ToList();
        var done = 0;

        var run = ScenarioRunner.RunAll(template, asked, 2, new Progress<int>(_ => Interlocked.Increment(ref done)));

        Assert.Equal(asked.Count - 2, run.Results.Count);
        Assert.Equal(asked.Take(asked.Count - 2).Select(w => w.Name), run.Results.Select(r => r.WhatIf.Name));
        Assert.Equal(2, run.Failed.Count);
        Assert.Contains("no link 'link-down:9'".Replace("link-down:", string.Empty, StringComparison.Ordinal), run.Failed[0].Error, StringComparison.Ordinal);
        Assert.Contains("no nodes to fail", run.Failed[1].Error, StringComparison.Ordinal);
    }

    /// <summary>A triangle A-B-C with 10 Gbit/s links and one demand A->B of 4 Gbit/s, then 12 (two matrices).</summary>
    private static (Network Network, TrafficMatrixCsv Matrices) Triangle()
    {
        var network = new Network(
            "triangle",
            [new NetworkNode("A", "A", 40, -100), new NetworkNode("B", "B", 41, -90), new NetworkNode("C", "C", 35, -95)],
            [new NetworkLink(0, 1, 10), new NetworkLink(1, 2, 10), new NetworkLink(0, 2, 10)],
            []);
        using var csv = new StringReader("timestamp_utc,A->B,B->C\n2004-03-01T00:00:00Z,4000,1000\n2004-03-01T00:05:00Z,12000,1000\n");
        return (network, TrafficMatrixCsv.Read(network, csv, "test.csv"));
    }

    [Fact]
    public void Backbone_LossIsTheLoadAboveCapacity_FailuresReroute_AndNodesCutOffAreUnreachable()
    {
        var (network, matrices) = Triangle();
        var template = new BackboneTemplate(network, matrices, 0, 2, 1e-3, 0.001, 10);

        var baseline = template.Run(WhatIf.Baseline);
        var ab = baseline.Links.Single(l => l.Link == "A->B");
        Assert.Equal((8.0, 12.0), (ab.MeanGbps, ab.PeakGbps));
        Assert.Equal(100.0 * 2 / 16, ab.LossPercent, 6);
        Assert.True(ab.Violates);

        // A-B down: A->B goes round by C; B->C shares B-C with it.
        var rerouted = template.Run(WhatIf.Parse("link-down:A-B"));
        Assert.Equal(0, rerouted.UnreachablePercent);
        Assert.Equal(8.0, rerouted.Links.Single(l => l.Link == "A->C").MeanGbps, 6);
        Assert.Equal(13.0, rerouted.Links.Single(l => l.Link == "C->B").PeakGbps + rerouted.Links.Single(l => l.Link == "B->C").PeakGbps, 6);

        var cut = template.Run(WhatIf.Parse("node-down:C+link-down:A-B"));
        Assert.Equal(100, cut.UnreachablePercent, 6);

        var bigger = template.Run(WhatIf.Parse("capacity:A-B=12"));
        Assert.Equal(0, bigger.Links.Single(l => l.Link == "A->B").LossPercent);
        Assert.Equal(20, bigger.CostPerMonth - baseline.CostPerMonth, 6);

        var grown = template.Run(WhatIf.Parse("growth:2@C"));
        Assert.Equal(2.0, grown.Links.Single(l => l.Link == "B->C").MeanGbps, 6);

        var site = template.Run(WhatIf.Parse("new-site:D=A@B"));
        Assert.Equal(8.0, site.Links.Single(l => l.Link == "D->B").MeanGbps, 6);

        Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("link-down:A-Z")));
    }

    [Fact]
    public void Hybrid_CarriesCutOffDemandOverTheSatellites_WithinTheGroundCapacity()
    {
        var (network, matrices) = Triangle();
        IReadOnlySet<(int, int)> all = new HashSet<(int, int)> { (0, 1), (0, 2), (1, 2) };
        IReadOnlySet<(int, int)> none = new HashSet<(int, int)>();
        var backup = new BackboneTemplate.SatelliteBackup([all, none], 5, "test");
        var template = new BackboneTemplate(network, matrices, 0, 2, 1e-3, 0.001, 10, backup);

        var cut = template.Run(WhatIf.Parse("link-down:A-B+link-down:A-C"));

        // Step 1: 4 of 4 Gbit/s by satellite; step 2: no satellite in view, 12 lost. B->C stays terrestrial.
        Assert.Equal("hybrid", cut.Template);
        Assert.Equal(100.0 * 12 / 18, cut.UnreachablePercent, 3);
        Assert.Contains("rode the satellites", cut.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void Leo_LosingAPlane_LengthensOutages_AndUnknownSatellitesAreRefused()
    {
        var template = new LeoTemplate(new WalkerSpec(), [new GroundStation("london", 51.5, -0.1), new GroundStation("sydney", -33.9, 151.2)], 3000, 120, 1, 150);

        var baseline = template.Run(WhatIf.Baseline);
        var plane = template.Run(WhatIf.Parse("node-down:plane-3"));

        Assert.True(plane.UnreachablePercent >= baseline.UnreachablePercent, $"{plane.UnreachablePercent} vs {baseline.UnreachablePercent}");
        Assert.Single(plane.Links);
        Assert.Contains("no satellite", Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("node-down:sat-9-1"))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => template.Run(WhatIf.Parse("growth:2")));
        var station = template.Run(WhatIf.Parse("node-down:london"));
        Assert.Equal(100, station.UnreachablePercent, 6);
    }

    private sealed class ChangeComparer : IEqualityComparer<WhatIfChange>
    {
        public bool Equals(WhatIfChange? x, WhatIfChange? y) => x?.Describe() == y?.Describe();

        public int GetHashCode(WhatIfChange obj) => obj.Describe().GetHashCode(StringComparison.Ordinal);
    }
}
