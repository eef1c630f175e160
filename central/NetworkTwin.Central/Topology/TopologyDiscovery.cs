using System.ComponentModel.DataAnnotations;
using System.Globalization;
using NetworkTwin.Analytics.Topology;
using NetworkTwin.Contracts.Sync;
using NetworkTwin.Contracts.Topology;

namespace NetworkTwin.Central.Topology;

/// <summary>Settings of cross-agent discovery (Coordinator:Topology).</summary>
internal sealed class TopologyOptions
{
    /// <summary>How often the coordinator rediscovers the link map.</summary>
    [Range(1d, 3600d)]
    public double EverySeconds { get; init; } = 30;

    /// <summary>How far back loss evidence is taken (by the agents' production time).</summary>
    [Range(10d, 86400d)]
    public double HorizonSeconds { get; init; } = 300;

    /// <summary>Largest RU clock offset either way, also between cells of different agents.</summary>
    [Range(0d, 60d, MinimumIsExclusive = true)]
    public double MaxClockOffsetSeconds { get; init; } = 1.5;

    /// <summary>Weakest mean loss correlation that still makes one link.</summary>
    [Range(0d, 1d, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double MinCorrelation { get; init; } = 0.15;

    /// <summary>Weakest correlation peak, in standard deviations, that counts as evidence.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double MinPeakZ { get; init; } = 8;

    /// <summary>Cores the correlation may use.</summary>
    [Range(1, int.MaxValue)]
    public int MaxParallelism { get; init; } = 1;
}

/// <summary>
/// Combines the loss evidence of every agent into one link map: the loss slots of each (agent,
/// cell) go on one slot grid, every pair is lag-correlated (RU clocks of different agents may
/// differ by up to the maximum offset), and the cells are clustered into links exactly as one
/// agent clusters its own cells. Link ids are carried over from the previous map by overlap, so
/// a link keeps its id while its membership is stable.
/// </summary>
internal static class TopologyDiscovery
{
    /// <param name="evidence">Loss reports, several per cell as they arrived.</param>
    /// <param name="knownCells">Every cell seen recently (with or without loss).</param>
    /// <param name="previous">The last stored map, for stable link ids (null: none).</param>
    public static TopologyMap Discover(
        IReadOnlyList<(string AgentId, string Site, CellLossEvents Events)> evidence,
        IEnumerable<CellRef> knownCells,
        TopologyMap? previous,
        TopologyOptions options)
    {
        var slotsOf = new Dictionary<(string Agent, int Cell), (CellRef Ref, SortedSet<long> Slots)>();
        var refused = 0;
        foreach (var (agent, site, events) in evidence)
        {
            long[] decoded;
            try
            {
                decoded = LossEventsCodec.Decode(events);
            }
            catch (InvalidDataException)
            {
                refused++;
                continue;
            }

            if (!slotsOf.TryGetValue((agent, events.CellId), out var entry))
            {
                entry = (new CellRef { AgentId = agent, Site = site, CellId = events.CellId }, []);
                slotsOf[(agent, events.CellId)] = entry;
            }

            entry.Slots.UnionWith(decoded);
        }

        // Each site on its own: a fronthaul link does not leave its cell site, and correlating every pair of the estate's
        // cells grows with the square of the estate (2,000 agents in one site took 50 s a round on 2 cores).
        var sites = slotsOf.Values
            .GroupBy(c => c.Ref.Site, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Correlate([.. g.OrderBy(c => c.Ref.AgentId, StringComparer.Ordinal).ThenBy(c => c.Ref.CellId)], options))
            .ToList();
        var map = new TopologyMap { ComputedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        var ids = StableIds([.. sites.SelectMany(site => site.Clusters.Select(c => c.Select(i => site.Cells[i].Ref).ToList()))], previous);
        var links = new List<TopologyLink>();
        var next = 0;
        foreach (var site in sites)
        {
            var siteIds = ids[next..(next + site.Clusters.Count)];
            next += site.Clusters.Count;
            links.AddRange(Links(site, siteIds, options));
        }

        var outliers = sites.SelectMany(s => s.Outliers.Select(i => s.Cells[i].Ref));
        map.Links.AddRange(links.OrderBy(l => l.LinkId));
        var placed = new HashSet<(string, int)>(links.SelectMany(l => l.Cells).Select(c => (c.Cell.AgentId, c.Cell.CellId)));
        map.Unplaced.AddRange(knownCells.Where(c => !placed.Contains((c.AgentId, c.CellId)))
            .Concat(outliers)
            .DistinctBy(c => (c.AgentId, c.CellId))
            .OrderBy(c => c.AgentId, StringComparer.Ordinal).ThenBy(c => c.CellId));
        var agents = sites.SelectMany(s => s.Cells).Select(c => c.Ref.AgentId).Distinct().Count();
        var spanning = map.Links.Count(l => l.Agents.Count > 1);
        map.Statement = string.Create(
            CultureInfo.InvariantCulture,
            $"{map.Links.Count} link(s) from the loss evidence of {placed.Count} cell(s) served by {agents} agent(s); {spanning} link(s) span more than one agent.");
        if (map.Unplaced.Count > 0)
        {
            map.Statement += $" {map.Unplaced.Count} cell(s) cannot be placed: no loss in the evidence window (or a clock far from the others).";
        }

        if (refused > 0)
        {
            map.Statement += $" {refused} malformed loss report(s) were ignored.";
        }

        return map;
    }

    /// <summary>One site's cells, their correlation, clock groups and clusters (lists of indexes into the cells).</summary>
    private sealed record SiteCorrelation(
        List<(CellRef Ref, SortedSet<long> Slots)> Cells,
        int[][] Grid,
        LossEvidenceResult Result,
        List<List<int>> Groups,
        List<List<int>> Clusters,
        List<int> Outliers);

    /// <summary>Correlates one site's cells and clusters them into links, its cells of one RU clock (one radio unit, one port) as a whole, as in the agents' own analysis.</summary>
    private static SiteCorrelation Correlate(List<(CellRef Ref, SortedSet<long> Slots)> cells, TopologyOptions options)
    {
        var (grid, length, outliers) = Grid(cells.Select(c => c.Slots).ToList(), options);
        var result = LossEvidence.Correlate(grid, length, options.MaxClockOffsetSeconds, options.MinPeakZ, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism });
        var groups = ClockGroups.Find(result.Peaks, result.Evidence, result.Similarity, options.MinCorrelation);
        var clusters = LinkClustering.Cluster(result.Similarity, new Dictionary<int, int>(), null, options.MinCorrelation, groups).Clusters
            .Select(c => c.Select(a => result.Evidence[a]).Order().ToList())
            .OrderBy(c => cells[c[0]].Ref.AgentId, StringComparer.Ordinal).ThenBy(c => cells[c[0]].Ref.CellId)
            .ToList();
        return new SiteCorrelation(cells, grid, result, groups, clusters, outliers);
    }

    /// <summary>One site's links, numbered <paramref name="ids"/> (one per cluster), with each cell's correlation and clock lag and how far each link stands from the next.</summary>
    private static IEnumerable<TopologyLink> Links(SiteCorrelation site, int[] ids, TopologyOptions options)
    {
        var (cells, grid, result, groups, clusters) = (site.Cells, site.Grid, site.Result, site.Groups, site.Clusters);
        var row = result.Evidence.Select((cell, a) => (cell, a)).ToDictionary(x => x.cell, x => x.a);   // cell index -> similarity row
        var separation = LinkSeparation.Describe([.. clusters.Select((c, k) => (ids[k], c.Select(i => row[i]).ToList()))], groups, result.Similarity);
        for (var k = 0; k < clusters.Count; k++)
        {
            var members = clusters[k];
            var link = new TopologyLink { LinkId = ids[k] };
            var first = members[0];
            foreach (var i in members)
            {
                var others = members.Where(j => j != i).ToList();
                var mean = others.Count == 0 ? 0 : others.Average(j => result.Similarity[row[i], row[j]]);
                var peak = result.Peaks[i, first];
                link.Cells.Add(new TopologyCell
                {
                    Cell = cells[i].Ref,
                    MeanCorrelation = Math.Round(mean, 3),
                    ClockLagMs = i == first ? 0 : LossEvidence.IsEvidence(peak, options.MinPeakZ) ? peak.Lag * LossEventsCodec.SlotSeconds * 1000 : double.NaN,
                    LossSlots = grid[i].Length,
                });
            }

            link.Agents.AddRange(members.Select(i => cells[i].Ref.AgentId).Distinct().Order(StringComparer.Ordinal));
            var apart = separation[ids[k]];
            foreach (var group in apart.ClockGroups)
            {
                var clockGroup = new ClockGroup();
                clockGroup.Cells.AddRange(group.Select(a => cells[result.Evidence[a]].Ref));
                link.ClockGroups.Add(clockGroup);
            }

            (link.MeanCorrelation, link.NextLinkId, link.NextLinkCorrelation) = (apart.MeanCorrelation ?? 0, apart.NextLink ?? 0, apart.NextLinkCorrelation ?? 0);
            yield return link;
        }
    }

    /// <summary>
    /// The slots of every cell on one grid. Cells whose clock puts their loss far from everyone
    /// else's (more than the evidence horizon plus the clock offsets from the median) are left
    /// off the grid, so that one bad clock cannot make the grid huge.
    /// </summary>
    private static (int[][] Grid, int Length, List<int> Outliers) Grid(List<SortedSet<long>> slots, TopologyOptions options)
    {
        var outliers = new List<int>();
        if (slots.Count == 0)
        {
            return ([], 1, outliers);
        }

        var medians = slots.Select(s => s.ElementAt(s.Count / 2)).Order().ToArray();
        var centre = medians[medians.Length / 2];
        var reach = (long)Math.Ceiling((options.HorizonSeconds + (2 * options.MaxClockOffsetSeconds)) / LossEventsCodec.SlotSeconds);
        var kept = slots.Select((s, i) => s.GetViewBetween(centre - reach, centre + reach)).ToList();
        for (var i = 0; i < kept.Count; i++)
        {
            if (kept[i].Count == 0)
            {
                outliers.Add(i);
            }
        }

        var present = kept.Where(k => k.Count > 0).ToList();
        if (present.Count == 0)
        {
            return ([.. kept.Select(_ => Array.Empty<int>())], 1, outliers);
        }

        var origin = present.Min(k => k.Min);
        var length = (int)(present.Max(k => k.Max) - origin) + 2;
        return ([.. kept.Select(k => k.Select(s => (int)(s - origin)).ToArray())], length, outliers);
    }

    /// <summary>Each new link takes the id of the previous link it shares most cells with, if still free; the rest take new ids.</summary>
    private static int[] StableIds(List<List<CellRef>> links, TopologyMap? previous)
    {
        var ids = new int[links.Count];
        var taken = new HashSet<int>();
        // Each cell's previous link, so that overlaps are counted per new link in O(cells), not against every old link.
        var oldLinkOf = new Dictionary<(string, int), int>();
        foreach (var link in previous?.Links ?? [])
        {
            foreach (var cell in link.Cells)
            {
                oldLinkOf[(cell.Cell.AgentId, cell.Cell.CellId)] = link.LinkId;
            }
        }

        var candidates = new List<(int Link, int Old, int Shared)>();
        for (var k = 0; k < links.Count; k++)
        {
            candidates.AddRange(links[k]
                .Select(c => oldLinkOf.TryGetValue((c.AgentId, c.CellId), out var id) ? id : 0)
                .Where(id => id != 0)
                .GroupBy(id => id)
                .Select(g => (k, g.Key, g.Count())));
        }

        var assigned = new bool[links.Count];
        foreach (var (k, id, _) in candidates.OrderByDescending(c => c.Shared).ThenBy(c => c.Link).ThenBy(c => c.Old))
        {
            if (!assigned[k] && taken.Add(id))
            {
                (ids[k], assigned[k]) = (id, true);
            }
        }

        var next = previous is { Links.Count: > 0 } ? previous.Links.Max(l => l.LinkId) + 1 : 1;
        for (var k = 0; k < links.Count; k++)
        {
            if (!assigned[k])
            {
                while (taken.Contains(next))
                {
                    next++;
                }

                ids[k] = next;
                taken.Add(next);
            }
        }

        return ids;
    }
}
