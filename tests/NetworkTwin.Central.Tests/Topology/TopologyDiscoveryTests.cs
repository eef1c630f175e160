using NetworkTwin.Central.Topology;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Contracts.Topology;

namespace NetworkTwin.Central.Tests.Topology;

public class TopologyDiscoveryTests
{
    private static readonly TopologyOptions Options = new() { HorizonSeconds = 60 };

    /// <summary>
    /// Two links congest at their own random moments. Two agents serve cells on both links, each
    /// agent's RU clocks off by its own amount; a cell loses in most of its link's congested slots.
    /// </summary>
    private static List<(string, string, CellLossEvents)> Evidence(int seed, params (string Agent, int Cell, int Link, double OffsetSeconds)[] cells)
    {
        var random = new Random(seed);
        const long Start = 2_000_000_000;   // slot index of t = 1000 s
        var congested = new Dictionary<int, List<long>>();
        foreach (var link in cells.Select(c => c.Link).Distinct())
        {
            var slots = new List<long>();
            for (var burst = 0; burst < 40; burst++)
            {
                var at = Start + random.Next(0, 40_000);
                slots.AddRange(Enumerable.Range(0, 1 + random.Next(6)).Select(k => at + k));
            }

            congested[link] = [.. slots.Distinct().Order()];
        }

        var list = new List<(string, string, CellLossEvents)>();
        foreach (var (agent, cell, link, offset) in cells)
        {
            var shift = (long)Math.Round(offset / LossEventsCodec.SlotSeconds);
            var lost = congested[link].Where(_ => random.NextDouble() < 0.8).Select(s => s + shift).ToList();
            // Reported in two windows, as an agent would.
            var half = lost.Count / 2;
            list.Add((agent, "site", LossEventsCodec.Encode(cell, lost[..half])));
            list.Add((agent, "site", LossEventsCodec.Encode(cell, lost[half..])));
        }

        return list;
    }

    [Fact]
    public void CellsOfTwoAgents_OnSharedLinks_AreGroupedAcrossAgents()
    {
        var evidence = Evidence(
            1,
            ("du-a", 1, 10, 0.2), ("du-a", 2, 20, 0.2), ("du-a", 3, 10, 0.2),
            ("du-b", 1, 20, -0.7), ("du-b", 2, 10, -0.7), ("du-b", 3, 20, -0.7));
        CellRef[] known = [new() { AgentId = "du-b", Site = "site", CellId = 9 }];

        var map = TopologyDiscovery.Discover(evidence, known, null, Options);

        Assert.Equal(2, map.Links.Count);
        var groups = map.Links.Select(l => string.Join(" ", l.Cells.Select(c => $"{c.Cell.AgentId}:{c.Cell.CellId}"))).ToList();
        Assert.Contains("du-a:1 du-a:3 du-b:2", groups);
        Assert.Contains("du-a:2 du-b:1 du-b:3", groups);
        Assert.All(map.Links, l => Assert.Equal(["du-a", "du-b"], l.Agents));
        Assert.Equal([1, 2], map.Links.Select(l => l.LinkId));

        // du-b's clocks run 0.9 s behind du-a's: the lag against the link's first (du-a) cell says so.
        var lag = map.Links.SelectMany(l => l.Cells).Single(c => c.Cell.AgentId == "du-b" && c.Cell.CellId == 2).ClockLagMs;
        Assert.Equal(-900, lag, 1.0);
        var unplaced = Assert.Single(map.Unplaced);
        Assert.Equal(("du-b", 9), (unplaced.AgentId, unplaced.CellId));
        Assert.Contains("2 link(s) span more than one agent", map.Statement, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoSitesWhoseLossCoincides_KeepTheirLinksApart()
    {
        // The same congestion pattern (the same seed) at two cell sites: their cells correlate perfectly, but a fronthaul
        // link does not leave its site.
        var north = Evidence(5, ("du-n", 1, 1, 0), ("du-n", 2, 1, 0));
        var south = Evidence(5, ("du-s", 1, 1, 0), ("du-s", 2, 1, 0)).Select(e => (e.Item1, "south", e.Item3));

        var map = TopologyDiscovery.Discover([.. north, .. south], [], null, Options);

        Assert.Equal(2, map.Links.Count);
        Assert.All(map.Links, l => Assert.Single(l.Cells.Select(c => c.Cell.Site).Distinct()));
        Assert.Equal(["du-n", "du-s"], map.Links.Select(l => l.Agents.Single()).Order());
    }

    [Fact]
    public void Rediscovery_KeepsLinkIdsByOverlap_AndIgnoresMalformedReports()
    {
        var cells = new[] { ("du-a", 1, 10, 0.0), ("du-a", 2, 20, 0.0), ("du-b", 5, 10, 0.1), ("du-b", 6, 20, 0.1) };
        var first = TopologyDiscovery.Discover(Evidence(2, cells), [], null, Options);
        var renumbered = first.Clone();
        renumbered.Links[0].LinkId = 7;
        renumbered.Links[1].LinkId = 3;
        var evidence = Evidence(3, cells);
        evidence.Add(("du-a", "site", new CellLossEvents { CellId = 1, SlotSeconds = LossEventsCodec.SlotSeconds, FirstSlot = 5, SlotGaps = { -1 } }));

        var again = TopologyDiscovery.Discover(evidence, [], renumbered, Options);

        var idOf = again.Links.ToDictionary(l => l.Cells[0].Cell.CellId, l => l.LinkId);
        Assert.Equal(renumbered.Links[0].LinkId, idOf[renumbered.Links[0].Cells[0].Cell.CellId]);
        Assert.Equal(renumbered.Links[1].LinkId, idOf[renumbered.Links[1].Cells[0].Cell.CellId]);
        Assert.Contains("1 malformed loss report(s) were ignored", again.Statement, StringComparison.Ordinal);
    }
}
