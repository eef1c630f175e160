using NetworkTwin.Analytics.Fronthaul;
using NetworkTwin.Analytics.Scenario;

namespace NetworkTwin.Analytics.Tests.Fronthaul;

public class FronthaulAnalyzerTests
{
    private static readonly ScenarioSpec Spec = new() { Cells = 12, Links = 3, CellsPerRu = 2, DurationSeconds = 4, Seed = 21, OutlierRate = 1e-4 };

    [Fact]
    public void Analyze_GeneratedCapture_RecoversLinksOffsetsAndCapacities()
    {
        var scenario = FronthaulScenarioGenerator.Generate(Spec);
        var dataset = new FronthaulDataset(scenario.Symbols, scenario.PacketStats, null, 0);

        var report = FronthaulAnalyzer.Analyze(dataset, new FronthaulOptions { DeclaredLinks = 3 });

        // Same partition as the truth, whatever the link numbers.
        var truthGroups = scenario.Truth.LinkOfCell.GroupBy(p => p.Value).Select(g => string.Join(',', g.Select(p => p.Key).Order())).Order();
        var gotGroups = report.Links.Select(l => string.Join(',', l.Cells.Order())).Order();
        Assert.Equal(truthGroups, gotGroups);
        Assert.Equal(3, report.Discovery.SupportedLinks);

        // Every RU offset against the DU clock, to the slot.
        foreach (var cell in report.Cells)
        {
            Assert.Equal("du", cell.OffsetReference);
            Assert.Equal(scenario.Truth.ClockOffsetMsOfCell[cell.Id], cell.ClockOffsetMs!.Value, 0.5);
        }

        // The logger errors are gone, so the capacity matches the one the drops were simulated with.
        Assert.Equal(scenario.Truth.OutliersInjected, report.Cleaning.OutliersRemoved);
        foreach (var link in report.Links)
        {
            var trueLink = scenario.Truth.LinkOfCell[link.Cells[0]];
            Assert.Equal(scenario.Truth.CapacityGbpsOfLink[trueLink], link.CapacityGbps, scenario.Truth.CapacityGbpsOfLink[trueLink] * 0.002);
            Assert.True(link.CapacityGbps < link.CapacityNoBufferGbps);
            Assert.Equal("symbol", link.Resolution);
        }
    }

    [Fact]
    public void TrafficOf_EachLink_IsTheCleanedTrafficTheSizingSaw()
    {
        var scenario = FronthaulScenarioGenerator.Generate(Spec);
        var dataset = new FronthaulDataset(scenario.Symbols, scenario.PacketStats, null, 0);
        var options = new FronthaulOptions { DeclaredLinks = 3 };
        var report = FronthaulAnalyzer.Analyze(dataset, options);

        foreach (var link in report.Links)
        {
            var traffic = FronthaulAnalyzer.TrafficOf(dataset, link);

            Assert.Equal(link.Cells.Order(), traffic.Cells.Order());
            Assert.Equal("symbol", traffic.Resolution);
            Assert.All(traffic.KbitPerCell, k => Assert.Equal(traffic.Intervals, k.Length));

            // Sized again from it, the link needs what the report says: the same series, cleaned once.
            var again = NetworkTwin.Analytics.Capacity.CapacitySearch.MinimumCapacity(traffic.Sum(), traffic.IntervalSeconds, options.BufferMicros * 1e-6, options.LossTarget);
            Assert.Equal(link.CapacityGbps, Math.Round(again.CapacityBitsPerSecond / 1e9, 3));
            Assert.Equal(link.PeakGbps, Math.Round(again.PeakBitsPerSecond / 1e9, 3));
        }

        var first = FronthaulAnalyzer.TrafficOf(dataset, report.Links[0]);
        var second = first.Take(1.0);
        Assert.Equal(28_000, second.Intervals);
        Assert.Equal(first.KbitPerCell[0][..28_000], second.KbitPerCell[0]);
    }

    [Fact]
    public void Analyze_FewerLinksDeclaredThanTheDataShows_SaysSoPlainly()
    {
        var scenario = FronthaulScenarioGenerator.Generate(Spec);
        var dataset = new FronthaulDataset(scenario.Symbols, scenario.PacketStats, null, 0);

        var report = FronthaulAnalyzer.Analyze(dataset, new FronthaulOptions { DeclaredLinks = 2 });

        Assert.Equal(2, report.Links.Count);
        Assert.Equal(3, report.Discovery.SupportedLinks);
        Assert.Contains("supports 3 link(s)", report.Discovery.Statement, StringComparison.Ordinal);
        Assert.Contains(report.Discovery.Statement, report.Warnings);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    [InlineData(24)]
    [InlineData(25)]
    public void Analyze_OneLinkMoreDeclaredThanTwoRadioUnitsSharing_KeepsEveryRadioUnitWhole(int seed)
    {
        // Two links of two radio units each (4 cells per RU clock); the operator declares 3.
        var scenario = FronthaulScenarioGenerator.Generate(new ScenarioSpec { Cells = 16, Links = 2, CellsPerRu = 4, DurationSeconds = 4, Seed = seed });
        var dataset = new FronthaulDataset(scenario.Symbols, scenario.PacketStats, null, 0);

        var report = FronthaulAnalyzer.Analyze(dataset, new FronthaulOptions { DeclaredLinks = 3 });

        var radioUnits = scenario.Truth.LinkOfCell.GroupBy(p => (Link: p.Value, Clock: scenario.Truth.ClockOffsetMsOfCell[p.Key]))
            .Select(g => g.Select(p => p.Key).Order().ToArray()).ToList();
        Assert.Equal(4, radioUnits.Count);
        foreach (var unit in radioUnits)
        {
            var links = unit.Select(c => report.Cells.Single(r => r.Id == c).Link).Distinct().ToList();
            Assert.True(links.Count == 1, $"radio unit {string.Join(',', unit)} was cut between links {string.Join(", ", links)}");
        }

        Assert.Equal(3, report.Links.Count);
        Assert.Equal(radioUnits.Select(u => string.Join(',', u)).Order(), report.Links.SelectMany(l => l.ClockGroups).Select(g => string.Join(',', g)).Order());

        // The link left whole stands apart from the others; the two halves of the split one are each other's closest.
        var whole = report.Links.Single(l => l.Cells.Length == 8);
        var halves = report.Links.Where(l => l != whole).ToList();
        Assert.True(whole.MeanCorrelation > whole.NextLinkCorrelation, $"link {whole.Id}: r {whole.MeanCorrelation} within, {whole.NextLinkCorrelation} with link {whole.NextLink}");
        Assert.Equal(halves[1].Id, halves[0].NextLink);
        Assert.Equal(halves[0].Id, halves[1].NextLink);
    }

    [Fact]
    public void Analyze_PinnedCell_LandsOnItsPinnedLinkId()
    {
        var scenario = FronthaulScenarioGenerator.Generate(Spec);
        var dataset = new FronthaulDataset(scenario.Symbols, scenario.PacketStats, null, 0);

        var report = FronthaulAnalyzer.Analyze(dataset, new FronthaulOptions { DeclaredLinks = 3, Pins = new Dictionary<int, int> { [1] = 3, [2] = 1 } });

        Assert.Equal(3, report.Cells.Single(c => c.Id == 1).Link);
        if (scenario.Truth.LinkOfCell[2] != scenario.Truth.LinkOfCell[1])
        {
            Assert.Equal(1, report.Cells.Single(c => c.Id == 2).Link);
        }
    }

    [Fact]
    public void Analyze_InvalidOptions_NameTheOption()
    {
        var dataset = new FronthaulDataset([], [], null, 0);

        var error = Assert.Throws<ArgumentException>(() => FronthaulAnalyzer.Analyze(dataset, new FronthaulOptions { LossTarget = 5, DeclaredLinks = 0 }));

        Assert.Contains("--loss", error.Message, StringComparison.Ordinal);
        Assert.Contains("--links", error.Message, StringComparison.Ordinal);
    }
}
